ALTER TABLE "dead_letters" ADD COLUMN "stream_id" text;--> statement-breakpoint
ALTER TABLE "dead_letters" ADD COLUMN "held" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "dead_letters" ADD COLUMN "discarded_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "dead_letters_stream_idx" ON "dead_letters" USING btree ("projection","stream_id","position");