// Gives one participant view access to their session's dashboard: a role filtered to the session's data,
// a user holding it, and a View permission on the dashboard. Removal undoes all three.
import type { SumoClient } from './client.ts';
import { STATE_LINE_CATEGORY } from './state-lines.ts';

export interface ParticipantAccess {
  roleId: string;
  userId: string;
}

export async function createRole(client: SumoClient, sessionId: string, namespace: string): Promise<string> {
  const { body } = await client.request<{ id: string }>('POST', 'v1/roles', {
    name: `failurelib-session-${sessionId.slice(0, 12)}`,
    description: 'View-only access to one Failure Library session; deleted when the session ends.',
    filterPredicate: `(_sourceCategory="${STATE_LINE_CATEGORY}" AND _sourceName="${sessionId}") OR namespace="${namespace}"`,
    capabilities: [],
    users: [],
  });
  return body.id;
}

export async function createUser(client: SumoClient, email: string, roleId: string): Promise<string> {
  const { body } = await client.request<{ id: string }>('POST', 'v1/users', {
    firstName: 'Failure Library',
    lastName: 'Participant',
    email,
    roleIds: [roleId],
  });
  return body.id;
}

function assignment(contentId: string, userId: string) {
  return {
    contentPermissionAssignments: [{ permissionName: 'View', sourceType: 'user', sourceId: userId, contentId }],
    notifyRecipients: false,
    notificationMessage: '',
  };
}

export async function shareDashboard(client: SumoClient, contentId: string, userId: string): Promise<void> {
  await client.request('PUT', `v2/content/${encodeURIComponent(contentId)}/permissions/add`, assignment(contentId, userId));
}

export async function unshareDashboard(client: SumoClient, contentId: string, userId: string): Promise<void> {
  try {
    await client.request('PUT', `v2/content/${encodeURIComponent(contentId)}/permissions/remove`, assignment(contentId, userId));
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error; // the dashboard is already gone
  }
}

export function participantEmail(template: string, sessionId: string): string {
  return template.replaceAll('{session}', sessionId.slice(0, 12));
}
