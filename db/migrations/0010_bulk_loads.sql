CREATE TABLE "bulk_loads" (
	"name" text PRIMARY KEY NOT NULL,
	"total_events" integer NOT NULL,
	"done_events" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"failure" text
);
