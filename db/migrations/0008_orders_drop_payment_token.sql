ALTER TABLE "orders" ALTER COLUMN "payment_ref" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "orders" DROP COLUMN "payment_token";