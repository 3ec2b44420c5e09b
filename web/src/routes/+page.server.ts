// The catalog: systems and scenarios for the chosen mode, and the form that starts a session.
import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { api, ApiError } from '#lib/server/api.ts';
import { storeToken } from '#lib/server/session-token.ts';
import { parseMode } from '#lib/phases.ts';
import type { ApiFailure, CreateSessionBody, ScenarioSummaryDto } from '#lib/types.ts';
import { readCreateSessionForm } from '#lib/create-session-form.ts';

export const load: PageServerLoad = async ({ fetch, url }) => {
  const eventId = url.searchParams.get('event')?.trim() ?? '';
  const client = api(fetch);

  try {
    // Reached as /?event=<id>: only the event's scenarios, in the event's mode.
    const event = eventId ? await client.event(eventId) : null;
    const mode = event ? event.mode : parseMode(url.searchParams.get('mode'));
    const [systems, scenarios] = await Promise.all([
      client.systems(),
      event ? Promise.resolve(event.scenarios.map((s): ScenarioSummaryDto => ({ ...s, tags: [] }))) : client.scenarios(mode),
    ]);
    return { mode, eventId, event, systems, scenarios, apiError: null };
  } catch (cause) {
    if (!(cause instanceof ApiError)) throw cause;
    const apiError: ApiFailure = cause.toFailure();
    return { mode: parseMode(url.searchParams.get('mode')), eventId, event: null, systems: [], scenarios: [], apiError };
  }
};

export const actions: Actions = {
  default: async ({ request, fetch, cookies, url }) => {
    const parsed = readCreateSessionForm(await request.formData());
    if (!parsed.ok) {
      return fail(400, { values: parsed.values, errors: parsed.errors, message: 'Please fix the highlighted fields.' });
    }

    const { values } = parsed;
    const body: CreateSessionBody = {
      scenarioId: values.scenarioId,
      systemId: values.systemId,
      mode: parseMode(values.mode),
      // At an event the API takes the name from the badge registration; the badge id stands in until then.
      participant: values.badgeId ? { name: values.name || values.badgeId, badgeId: values.badgeId } : { name: values.name },
      ...(values.eventId ? { eventId: values.eventId } : {}),
    };

    let created;
    try {
      created = await api(fetch).createSession(body);
    } catch (cause) {
      if (!(cause instanceof ApiError)) throw cause;
      const status = cause.status >= 400 && cause.status <= 599 ? cause.status : 502;
      return fail(status, { values, errors: {}, message: cause.message });
    }

    storeToken(cookies, url, created.id, created.participantToken);
    redirect(303, `/sessions/${encodeURIComponent(created.id)}`);
  },
};
