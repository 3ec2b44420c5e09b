// An event's leaderboard. The page re-runs this every 5 s (depends key below).
import type { PageServerLoad } from './$types';
import { api, ApiError } from '#lib/server/api.ts';
import type { ApiFailure, LeaderboardRowDto } from '#lib/types.ts';

export const load: PageServerLoad = async ({ params, fetch, depends }) => {
  depends('app:leaderboard');
  const loadedAt = new Date().toISOString();
  try {
    const rows: LeaderboardRowDto[] = await api(fetch).leaderboard(params.eventId);
    return { eventId: params.eventId, rows, apiError: null, loadedAt };
  } catch (cause) {
    if (!(cause instanceof ApiError)) throw cause;
    const apiError: ApiFailure = cause.toFailure();
    return { eventId: params.eventId, rows: [] as LeaderboardRowDto[], apiError, loadedAt };
  }
};
