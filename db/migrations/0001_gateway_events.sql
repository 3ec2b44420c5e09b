CREATE TABLE "event_participants" (
	"event_id" text NOT NULL,
	"badge_id" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"scenario_ids" jsonb NOT NULL,
	"mode" text DEFAULT 'challenge' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kube_credentials" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kube_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"verb" text NOT NULL,
	"api_group" text DEFAULT '' NOT NULL,
	"resource" text NOT NULL,
	"namespace" text,
	"name" text,
	"subresource" text,
	"status" integer NOT NULL,
	"latency_ms" integer NOT NULL,
	"command" text,
	"change" jsonb
);
--> statement-breakpoint
CREATE TABLE "sla_samples" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text NOT NULL,
	"objectives" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "event_participants" ADD CONSTRAINT "event_participants_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kube_credentials" ADD CONSTRAINT "kube_credentials_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kube_requests" ADD CONSTRAINT "kube_requests_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_samples" ADD CONSTRAINT "sla_samples_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "event_participants_badge_idx" ON "event_participants" USING btree ("event_id","badge_id");--> statement-breakpoint
CREATE INDEX "kube_credentials_session_idx" ON "kube_credentials" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "kube_requests_session_idx" ON "kube_requests" USING btree ("session_id","id");--> statement-breakpoint
CREATE INDEX "sla_samples_session_idx" ON "sla_samples" USING btree ("session_id","id");