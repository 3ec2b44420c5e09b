// An event's big screen: the event and its leaderboard. The page re-runs this every few seconds (depends key).
import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { api, ApiError } from '#lib/server/api.ts';
import type { ApiFailure, EventDto, LeaderboardRowDto } from '#lib/types.ts';

export const load: PageServerLoad = async ({ params, fetch, depends, url }) => {
  depends('app:leaderboard');
  const client = api(fetch);
  const loadedAt = new Date().toISOString();
  const joinUrl = `${url.origin}/?event=${encodeURIComponent(params.eventId)}`;
  try {
    const [event, rows] = await Promise.all([client.event(params.eventId), client.leaderboard(params.eventId)]);
    return { event: event as EventDto | null, rows, apiError: null as ApiFailure | null, loadedAt, joinUrl };
  } catch (cause) {
    if (!(cause instanceof ApiError)) throw cause;
    if (cause.status === 404) error(404, `There is no event "${params.eventId}".`, { code: 'not_found' });
    // Keep the board on screen: a refresh that fails shows a notice, not an error page.
    return { event: null as EventDto | null, rows: [] as LeaderboardRowDto[], apiError: cause.toFailure(), loadedAt, joinUrl };
  }
};
