-- Similarity's indexes (see db/schema.ts): the GIN ones rebuilt without a pending list (fastupdate off; rebuilding
-- also merges the entries already pending, which PGlite, having no autovacuum, left until the list reached 4 MB),
-- and the title trigrams in GiST, which returns the nearest titles first.
DROP INDEX "reports_search_idx";--> statement-breakpoint
DROP INDEX "reports_title_trgm_idx";--> statement-breakpoint
DROP INDEX "reports_tags_idx";--> statement-breakpoint
DROP INDEX "reports_components_idx";--> statement-breakpoint
DROP INDEX "reports_behaviour_idx";--> statement-breakpoint
CREATE INDEX "reports_search_idx" ON "reports" USING gin ("search") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "reports_title_trgm_idx" ON "reports" USING gist ("title" gist_trgm_ops(siglen=256));--> statement-breakpoint
CREATE INDEX "reports_tags_idx" ON "reports" USING gin ("tags") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "reports_components_idx" ON "reports" USING gin ("components") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "reports_behaviour_idx" ON "reports" USING gin ("behaviour") WITH (fastupdate=false);