// Filing a report: only the required fields. The browser keeps the draft and its idempotency key, so a retried
// or doubled submission files one report; a refused one shows every problem and keeps what was typed.
import { fail, redirect } from '@sveltejs/kit';
import type { Actions } from './$types';
import { api, ApiError } from '#lib/server/api.ts';

const text = (form: FormData, name: string) => String(form.get(name) ?? '');

export const actions: Actions = {
  default: async ({ request, fetch }) => {
    const form = await request.formData();
    const key = text(form, 'key');
    const body = {
      title: text(form, 'title'),
      whatFailed: text(form, 'whatFailed'),
      impact: text(form, 'impact'),
      detection: text(form, 'detection'),
      trigger: text(form, 'trigger'),
      timeline: text(form, 'timeline'),
      environment: {
        kubernetesVersion: text(form, 'kubernetesVersion'),
        provider: text(form, 'provider'),
        components: text(form, 'components')
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
      },
    };
    let id: string;
    try {
      ({ id } = await api(fetch).fileReport(key, body));
    } catch (cause) {
      if (!(cause instanceof ApiError)) throw cause;
      return fail(cause.status >= 400 && cause.status < 600 ? cause.status : 502, { message: cause.message });
    }
    redirect(303, `/reports/${encodeURIComponent(id)}?filed=1`);
  },
};
