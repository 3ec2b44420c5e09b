// The leaderboard used to live here; the event page is the leaderboard now.
import { redirect } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params }) => redirect(308, `/events/${encodeURIComponent(params.eventId)}`);
