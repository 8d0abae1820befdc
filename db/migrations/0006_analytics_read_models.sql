CREATE TABLE "cohort_activity" (
	"user_id" uuid NOT NULL,
	"week" date NOT NULL,
	"completed_orders" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "cohort_activity_user_id_week_pk" PRIMARY KEY("user_id","week")
);
--> statement-breakpoint
CREATE TABLE "cohort_customers" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	"cohort_week" date NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_facts" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"user_id" uuid,
	"currency" text,
	"total_cents" bigint,
	"placed_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"reserved_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"cancel_reason" text,
	"refunded_cents" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "product_daily" (
	"product_id" uuid NOT NULL,
	"day" date NOT NULL,
	"currency" text NOT NULL,
	"units_sold" integer DEFAULT 0 NOT NULL,
	"revenue_cents" bigint DEFAULT 0 NOT NULL,
	"completed_orders" integer DEFAULT 0 NOT NULL,
	"cancelled_orders" integer DEFAULT 0 NOT NULL,
	"refunded_cents" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "product_daily_product_id_day_currency_pk" PRIMARY KEY("product_id","day","currency")
);
--> statement-breakpoint
CREATE TABLE "product_open_lines" (
	"order_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" integer NOT NULL,
	"value_cents" bigint NOT NULL,
	"currency" text NOT NULL,
	CONSTRAINT "product_open_lines_order_id_product_id_pk" PRIMARY KEY("order_id","product_id")
);
--> statement-breakpoint
CREATE INDEX "cohort_activity_week_idx" ON "cohort_activity" USING btree ("week");--> statement-breakpoint
CREATE INDEX "cohort_customers_week_idx" ON "cohort_customers" USING btree ("cohort_week");--> statement-breakpoint
CREATE INDEX "order_facts_placed_idx" ON "order_facts" USING btree ("placed_at");--> statement-breakpoint
CREATE INDEX "order_facts_completed_idx" ON "order_facts" USING btree ("completed_at");--> statement-breakpoint
CREATE INDEX "order_facts_cancelled_idx" ON "order_facts" USING btree ("cancelled_at");--> statement-breakpoint
CREATE INDEX "product_daily_day_idx" ON "product_daily" USING btree ("day");