-- Read models whose rows are updated again and again (a user's profile on every login and completed
-- order; an order's summary and facts at every step of its saga; a product's stock) leave room on
-- each page, so that an update that changes no indexed column stays on its page (a HOT update: no
-- new index entries). A rebuild builds its shadow tables with the live table's storage parameters,
-- with no secondary index until the end, so there every update of the bulk load is one: see
-- docs/benchmarks.md, "Rebuilds". Existing pages are not rewritten; new ones are filled to 70 %.
ALTER TABLE user_profiles SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE order_summaries SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE order_facts SET (fillfactor = 70);--> statement-breakpoint
ALTER TABLE inventory SET (fillfactor = 70);
