ALTER TABLE "daily_revenue" ADD COLUMN "currency" text DEFAULT 'USD' NOT NULL;--> statement-breakpoint
ALTER TABLE "daily_revenue" DROP CONSTRAINT "daily_revenue_pkey";--> statement-breakpoint
ALTER TABLE "daily_revenue" ADD CONSTRAINT "daily_revenue_day_currency_pk" PRIMARY KEY("day","currency");
