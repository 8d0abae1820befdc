CREATE TABLE "payment_tokens" (
	"ref" text PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "payment_ref" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "last_seen_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "staff" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "sessions_staff_idx" ON "sessions" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_idx" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
-- Finding 8: orders still waiting for their charge keep the token by reference; every order row gets its reference.
INSERT INTO "payment_tokens" ("ref", "order_id", "token") SELECT 'pref_' || "id", "id", "payment_token" FROM "orders" WHERE "status" = 'pending' ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE "orders" SET "payment_ref" = 'pref_' || "id" WHERE "payment_ref" IS NULL;
