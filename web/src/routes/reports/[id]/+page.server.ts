// One report: its fields, review state, the scenario that reproduces it, similar reports and scenarios, remediations.
import type { PageServerLoad } from './$types';
import { api } from '#lib/server/api.ts';
import { rethrowAsPageError } from '#lib/server/errors.ts';

export const load: PageServerLoad = async ({ params, url, fetch }) => {
  const client = api(fetch);
  const [report, scenarios] = await Promise.all([client.report(params.id), client.scenarios('learn')]).catch(rethrowAsPageError);
  const matching = report.scenarioId ? scenarios.find((s) => s.id === report.scenarioId) : undefined;
  return {
    report,
    filed: url.searchParams.get('filed') === '1',
    scenario: matching ? { id: matching.id, title: matching.title ?? matching.id, rootCause: matching.rootCause ?? '' } : undefined,
  };
};
