// Reviewing one report: tags (the text's suggestions preselected), the reproducing scenario or session, duplicate
// or publish.
import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { api, ApiError } from '#lib/server/api.ts';
import { rethrowAsPageError } from '#lib/server/errors.ts';
import { requireReviewerToken } from '#lib/server/reviewer-token.ts';
import { LAYERS, SYMPTOMS, TRIGGERS } from '../../../../../../domain/report-terms.ts';

export const load: PageServerLoad = async ({ params, cookies, fetch }) => {
  requireReviewerToken(cookies);
  const client = api(fetch);
  const [report, scenarios] = await Promise.all([client.report(params.id), client.scenarios('learn')]).catch(rethrowAsPageError);
  return {
    report,
    scenarios: scenarios.map((s) => ({ id: s.id, title: s.title ?? s.id })),
    taxonomy: { layers: [...LAYERS], symptoms: [...SYMPTOMS], triggers: [...TRIGGERS] },
  };
};

export const actions: Actions = {
  default: async ({ params, request, cookies, fetch }) => {
    const token = requireReviewerToken(cookies);
    const form = await request.formData();
    const status = String(form.get('decision') ?? '');
    if (status !== 'published' && status !== 'duplicate' && status !== 'rejected') return fail(400, { message: 'Choose a decision.' });
    const free = String(form.get('freeTags') ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
    const picked = [...form.entries()].filter(([name]) => name.startsWith('tags')).map(([, value]) => String(value));
    const tags = [...new Set([...picked, ...free])];
    const scenarioId = String(form.get('scenarioId') ?? '');
    const duplicateOf = String(form.get('duplicateOf') ?? '');
    const sessionId = String(form.get('sessionId') ?? '').trim();
    try {
      await api(fetch).reviewReport(
        params.id,
        {
          status,
          tags,
          ...(scenarioId ? { scenarioId } : {}),
          ...(sessionId ? { sessionId } : {}),
          ...(status === 'duplicate' && duplicateOf ? { duplicateOf } : {}),
        },
        token,
      );
    } catch (cause) {
      if (cause instanceof ApiError)
        return fail(cause.status >= 400 && cause.status < 600 ? cause.status : 502, { message: cause.message });
      throw cause;
    }
    redirect(303, `/reports/${encodeURIComponent(params.id)}`);
  },
};
