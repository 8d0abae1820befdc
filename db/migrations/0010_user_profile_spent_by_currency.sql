-- What a user spent, per currency. total_spent_cents becomes the home currency (USD) part only; the
-- user_profile projection's version goes to 2, so a worker rebuilds the rows from the log (the rows
-- written before this summed every currency together).
ALTER TABLE "user_profiles" ADD COLUMN "spent_by_currency" jsonb DEFAULT '{}'::jsonb NOT NULL;
