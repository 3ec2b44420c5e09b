CREATE TABLE "remediation_verifications" (
	"id" text PRIMARY KEY NOT NULL,
	"remediation_id" text NOT NULL,
	"workflow_id" text NOT NULL,
	"trigger" text NOT NULL,
	"scenario_id" text NOT NULL,
	"system_id" text NOT NULL,
	"commands" jsonb NOT NULL,
	"scenario_digest" text NOT NULL,
	"system_digest" text NOT NULL,
	"commands_digest" text NOT NULL,
	"digest" text NOT NULL,
	"status" "remediation_status" DEFAULT 'verifying' NOT NULL,
	"reason" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "remediation_verifications" ADD CONSTRAINT "remediation_verifications_remediation_id_remediations_id_fk" FOREIGN KEY ("remediation_id") REFERENCES "public"."remediations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "remediation_verifications_remediation_idx" ON "remediation_verifications" USING btree ("remediation_id","started_at");--> statement-breakpoint
-- Verdicts recorded before digests were kept start the history, their digests unknown: stale, so run again at the next start.
INSERT INTO "remediation_verifications" ("id", "remediation_id", "workflow_id", "trigger", "scenario_id", "system_id", "commands", "scenario_digest", "system_digest", "commands_digest", "digest", "status", "reason", "started_at", "finished_at")
SELECT coalesce(r."evidence_session_id", 'legacy-' || r."id"), r."id", 'verify-remediation-' || r."id", 'requested', coalesce(p."scenario_id", ''), '', r."commands", '', '', '', '', r."status", r."reason", r."updated_at", r."updated_at"
FROM "remediations" r JOIN "reports" p ON p."id" = r."report_id"
WHERE r."status" IN ('verified', 'refuted');
