// The result of an ended session: score, breakdown, replay and (in Learn mode) the debrief.
import type { PageServerLoad } from './$types';
import { api } from '#lib/server/api.ts';
import { requireToken } from '#lib/server/session-token.ts';
import { rethrowAsPageError } from '#lib/server/errors.ts';

export const load: PageServerLoad = async ({ params, cookies, fetch }) => {
  const token = requireToken(cookies, params.id);
  const client = api(fetch);
  const [session, result, slaSeries] = await Promise.all([
    client.session(params.id, token),
    client.result(params.id, token),
    // The charts are extra: a result whose series cannot be read still shows its score.
    client.slaSeries(params.id, token).catch(() => undefined),
  ]).catch(rethrowAsPageError);

  return { session, result, slaSeries };
};
