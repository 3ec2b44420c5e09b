// A running session: its state for the page, and the start / hint / abandon actions.
import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { api } from '#lib/server/api.ts';
import { requireToken } from '#lib/server/session-token.ts';
import { actionFailure, rethrowAsPageError } from '#lib/server/errors.ts';

export const load: PageServerLoad = async ({ params, cookies, fetch }) => {
  const token = requireToken(cookies, params.id);
  const client = api(fetch);
  // The charts are extra: a page whose series cannot be read still shows the session (the charts poll for it).
  const [session, slaSeries] = await Promise.all([
    client.session(params.id, token).catch(rethrowAsPageError),
    client.slaSeries(params.id, token).catch(() => undefined),
  ]);

  if (session.phase === 'completed') {
    redirect(303, `/sessions/${encodeURIComponent(params.id)}/result`);
  }

  // The participant's own token goes to the page only for the WebSocket subprotocol.
  return { session, slaSeries, liveToken: token };
};

export const actions: Actions = {
  start: async ({ params, cookies, fetch }) => {
    const token = requireToken(cookies, params.id);
    try {
      await api(fetch).start(params.id, token);
      return { action: 'start' as const };
    } catch (cause) {
      return actionFailure('start', cause);
    }
  },

  hint: async ({ params, cookies, fetch }) => {
    const token = requireToken(cookies, params.id);
    try {
      const result = await api(fetch).hint(params.id, token);
      return { action: 'hint' as const, hint: result.hint, hintsUsed: result.hintsUsed, cost: result.cost };
    } catch (cause) {
      return actionFailure('hint', cause);
    }
  },

  abandon: async ({ params, cookies, fetch }) => {
    const token = requireToken(cookies, params.id);
    try {
      await api(fetch).abandon(params.id, token);
      return { action: 'abandon' as const };
    } catch (cause) {
      return actionFailure('abandon', cause);
    }
  },
};
