ALTER TABLE "kube_requests" ADD COLUMN "client_session" text;--> statement-breakpoint
ALTER TABLE "kube_requests" ADD COLUMN "query" text;