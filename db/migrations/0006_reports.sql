CREATE TYPE "public"."remediation_status" AS ENUM('unverified', 'verifying', 'verified', 'refuted');--> statement-breakpoint
CREATE TYPE "public"."report_status" AS ENUM('draft', 'submitted', 'published', 'duplicate', 'rejected');--> statement-breakpoint
CREATE TABLE "remediations" (
	"id" text PRIMARY KEY NOT NULL,
	"report_id" text NOT NULL,
	"idempotency_key" text,
	"summary" text NOT NULL,
	"commands" jsonb NOT NULL,
	"status" "remediation_status" DEFAULT 'unverified' NOT NULL,
	"reason" text,
	"evidence_session_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"report_id" text NOT NULL,
	"remediation_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"changes" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" text PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" "report_status" DEFAULT 'draft' NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"what_failed" text DEFAULT '' NOT NULL,
	"impact" text DEFAULT '' NOT NULL,
	"detection" text DEFAULT '' NOT NULL,
	"trigger" text DEFAULT '' NOT NULL,
	"timeline" text DEFAULT '' NOT NULL,
	"environment" jsonb DEFAULT '{"components":[]}'::jsonb NOT NULL,
	"components" text[] DEFAULT '{}'::text[] NOT NULL,
	"root_cause" text,
	"remediation_steps" text,
	"links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"scenario_id" text,
	"duplicate_of" text,
	"origin" text DEFAULT 'user' NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(what_failed, '') || ' ' || coalesce(root_cause, '')), 'B') || setweight(to_tsvector('english', coalesce(impact, '') || ' ' || coalesce(detection, '') || ' ' || coalesce(trigger, '') || ' ' || coalesce(timeline, '') || ' ' || coalesce(remediation_steps, '')), 'C')) STORED NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "scenario_documents" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"tags" text[] NOT NULL,
	"components" text[] NOT NULL,
	"systems" text[] NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscribers" (
	"id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tag_rules" (
	"tag" text NOT NULL,
	"query" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"subscriber_id" text NOT NULL,
	"publication" text NOT NULL,
	"payload" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "remediations" ADD CONSTRAINT "remediations_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_audit" ADD CONSTRAINT "report_audit_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "remediations_report_idx" ON "remediations" USING btree ("report_id");--> statement-breakpoint
CREATE UNIQUE INDEX "remediations_idempotency_idx" ON "remediations" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "report_audit_report_idx" ON "report_audit" USING btree ("report_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "reports_idempotency_idx" ON "reports" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "reports_status_idx" ON "reports" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "reports_search_idx" ON "reports" USING gin ("search");--> statement-breakpoint
CREATE INDEX "reports_title_trgm_idx" ON "reports" USING gin ("title" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "reports_tags_idx" ON "reports" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "reports_components_idx" ON "reports" USING gin ("components");--> statement-breakpoint
CREATE INDEX "scenario_documents_search_idx" ON "scenario_documents" USING gin ("search");--> statement-breakpoint
CREATE UNIQUE INDEX "tag_rules_idx" ON "tag_rules" USING btree ("tag","query");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_publication_idx" ON "webhook_deliveries" USING btree ("subscriber_id","publication");