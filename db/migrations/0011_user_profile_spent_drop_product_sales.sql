-- product_sales (one row per product, every currency's revenue added together) was written by the
-- analytics projection and read by nothing: sales per product and currency are product_daily's
-- (product_sales_daily projection). The analytics projection's version goes to 2 with this change.
-- What a user spent, per currency: total_spent_cents becomes the home currency (USD) part only; the
-- user_profile projection's version goes to 2, so a worker rebuilds the rows from the log (the rows
-- written before this summed every currency together).
DROP TABLE "product_sales" CASCADE;--> statement-breakpoint
ALTER TABLE "user_profiles" ADD COLUMN "spent_by_currency" jsonb DEFAULT '{}'::jsonb NOT NULL;