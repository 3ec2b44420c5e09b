// Per-session monitoring in Sumo Logic: state lines to the HTTP source, a dashboard, optional participant
// view access, all deleted at unwire. Without Sumo settings every call is a no-op, so the workflow can
// always call them. What was created is recorded as session notes, so a retried or resumed activity
// reuses it and unwire finds it after a worker restart.
import { ApplicationFailure } from '@temporalio/activity';
import { and, eq, like } from 'drizzle-orm';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/client.ts';
import type { Mode } from '../domain/session-terms.ts';
import { sessionEvents, sessions } from '../db/schema.ts';
import type { Library } from '../scenarios/lib/load.ts';
import type { Objective } from '../scenarios/lib/schema.ts';
import { ErrorType } from '../workflows/error-types.ts';
import { recordEvent } from './session-store.ts';
import { createRole, createUser, participantEmail, shareDashboard, unshareDashboard } from './sla/sumo/access.ts';
import { SumoClient } from './sla/sumo/client.ts';
import { dashboardBody, type DashboardInput } from './sla/sumo/dashboard.ts';
import { SumoApiError, SumoDeploymentError } from './sla/sumo/errors.ts';
import { pushStateLines, type StateLine } from './sla/sumo/state-lines.ts';

export interface MonitoringDeps {
  db: Database;
  library: Library;
  sumo: Config['sla']['sumo'];
  /** Injected in tests; built from `sumo` otherwise. */
  client?: SumoClient;
}

export interface WireMonitoringInput {
  sessionId: string;
  namespace: string;
  systemId: string;
  scenarioId: string;
  mode: Mode;
  /** From the plan's snapshot; sessions created before it read them from the library. */
  briefing?: DashboardInput['scenario'];
  objectives?: Objective[];
}

/** Activity error type for Sumo settings that cannot work (wrong deployment, bad credentials): retrying will not help. */
export const SUMO_CONFIG_ERROR = ErrorType.SumoConfigError;

/** Permanent configuration faults become non-retryable failures; the rest (429s, 5xx, network) stay retryable. */
async function permanentIfConfig<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SumoDeploymentError) throw ApplicationFailure.nonRetryable(error.message, SUMO_CONFIG_ERROR);
    if (error instanceof SumoApiError && (error.status === 401 || error.status === 403)) {
      throw ApplicationFailure.nonRetryable(`Sumo Logic refused the access id/key (${error.code})`, SUMO_CONFIG_ERROR);
    }
    throw error;
  }
}

interface Wired {
  dashboardId?: string;
  contentId?: string;
  roleId?: string;
  userId?: string;
  shared?: boolean;
}

async function wiredSoFar(db: Database, sessionId: string): Promise<Wired> {
  const rows = await db
    .select()
    .from(sessionEvents)
    .where(and(eq(sessionEvents.sessionId, sessionId), like(sessionEvents.dedupeKey, 'monitoring:%')));
  return Object.assign({}, ...rows.map((row) => (row.detail ?? {}) as Wired)) as Wired;
}

export function createMonitoringActivities({ db, library, sumo, client: injected }: MonitoringDeps) {
  const client =
    injected ??
    (sumo.accessId && sumo.accessKey
      ? new SumoClient({ apiUrl: sumo.apiUrl, accessId: sumo.accessId, accessKey: sumo.accessKey })
      : undefined);
  const note = (sessionId: string, key: string, summary: string, detail: Wired) =>
    recordEvent(db, { sessionId, dedupeKey: `monitoring:${key}`, kind: 'note', summary, detail });
  const uiBase = sumo.uiUrl.replace(/\/$/, '');

  async function wire(
    sumoClient: SumoClient,
    input: WireMonitoringInput,
    scenario: DashboardInput['scenario'],
    objectives: Objective[],
  ): Promise<Wired> {
    const wired = await wiredSoFar(db, input.sessionId);
    if (!wired.dashboardId) {
      const { body } = await sumoClient.request<{ id: string; contentId: string }>(
        'POST',
        'v2/dashboards',
        dashboardBody({
          sessionId: input.sessionId,
          namespace: input.namespace,
          mode: input.mode,
          scenario,
          objectives,
          telemetry: Boolean(sumo.otlpUrl),
        }),
      );
      await note(input.sessionId, 'dashboard', 'Monitoring dashboard created', { dashboardId: body.id, contentId: body.contentId });
      Object.assign(wired, { dashboardId: body.id, contentId: body.contentId });
    }
    if (!sumo.participantEmailTemplate) return wired;
    if (!wired.roleId) {
      wired.roleId = await createRole(sumoClient, input.sessionId, input.namespace);
      await note(input.sessionId, 'role', 'Monitoring access role created', { roleId: wired.roleId });
    }
    if (!wired.userId) {
      wired.userId = await createUser(sumoClient, participantEmail(sumo.participantEmailTemplate, input.sessionId), wired.roleId);
      await note(input.sessionId, 'user', 'Monitoring user created', { userId: wired.userId });
    }
    if (!wired.shared) {
      await shareDashboard(sumoClient, wired.contentId!, wired.userId);
      await note(input.sessionId, 'shared', 'Dashboard shared with the participant', { shared: true });
    }
    return wired;
  }

  return {
    /** Creates (or finds, when retried) the session's dashboard and participant access; returns the dashboard link. */
    async wireMonitoring(input: WireMonitoringInput): Promise<{ dashboardUrl?: string }> {
      if (!client) return {};
      const scenario = input.briefing ?? library.scenarios.get(input.scenarioId)?.spec;
      const objectives = input.objectives ?? library.systems.get(input.systemId)?.system.spec.objectives;
      if (!scenario || !objectives)
        throw ApplicationFailure.nonRetryable(`unknown scenario ${input.scenarioId} or system ${input.systemId}`, SUMO_CONFIG_ERROR);
      const wired = await permanentIfConfig(() => wire(client, input, scenario, objectives));
      const dashboardUrl = `${uiBase}/dashboard/${wired.dashboardId}`;
      await db.update(sessions).set({ dashboardUrl }).where(eq(sessions.id, input.sessionId));
      return { dashboardUrl };
    },

    /** Deletes everything wireMonitoring created; safe to run any number of times. */
    async unwireMonitoring({ sessionId }: { sessionId: string }): Promise<void> {
      if (!client) return;
      const wired = await wiredSoFar(db, sessionId);
      await permanentIfConfig(async () => {
        if (wired.contentId && wired.userId) await unshareDashboard(client, wired.contentId, wired.userId);
        if (wired.dashboardId) await client.remove(`v2/dashboards/${encodeURIComponent(wired.dashboardId)}`);
        // The user goes before its role: Sumo refuses to delete a role that still has users.
        if (wired.userId) await client.remove(`v1/users/${encodeURIComponent(wired.userId)}`);
        if (wired.roleId) await client.remove(`v1/roles/${encodeURIComponent(wired.roleId)}`);
      });
      if (wired.dashboardId || wired.roleId) await note(sessionId, 'removed', 'Monitoring removed', {});
    },

    /** One state line (JSON) to the Sumo HTTP source; a no-op without SUMO_HTTP_SOURCE_URL. */
    async pushStatusLine(line: StateLine): Promise<void> {
      if (!sumo.httpSourceUrl) return;
      await pushStateLines(sumo.httpSourceUrl, [line]);
    },
  };
}

export type MonitoringActivities = ReturnType<typeof createMonitoringActivities>;
