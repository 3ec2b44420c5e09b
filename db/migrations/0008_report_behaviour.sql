ALTER TABLE "reports" ADD COLUMN "session_id" text;--> statement-breakpoint
ALTER TABLE "reports" ADD COLUMN "behaviour" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "scenario_documents" ADD COLUMN "behaviour" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "reports_behaviour_idx" ON "reports" USING gin ("behaviour");--> statement-breakpoint
CREATE INDEX "scenario_documents_behaviour_idx" ON "scenario_documents" USING gin ("behaviour");