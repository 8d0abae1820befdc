-- product_sales (one row per product, every currency's revenue added together) was written by the
-- analytics projection and read by nothing: sales per product and currency are product_daily's
-- (product_sales_daily projection). The analytics projection's version goes to 2 with this change.
DROP TABLE "product_sales" CASCADE;
