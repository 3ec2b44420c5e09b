// `npm run build`: the production build. The website with its Node adapter (web/build, served by
// `node web/production-server.ts`) and the worker's workflow bundle (worker/build). Each is skipped when it was
// made from the sources as they are; --force rebuilds both.
import { parseArgs } from 'node:util';
import { DEFAULT_WORKFLOW_BUNDLE, buildWorkflowBundle, staleness } from '../../worker/workflow-bundle.ts';
import { buildWebsite } from './website.ts';

export async function buildForProduction({
  force = false,
  say = console.log,
}: { force?: boolean; say?: (message: string) => void } = {}): Promise<void> {
  const website = await buildWebsite({ force });
  say(website.built ? `website built in ${(website.ms / 1000).toFixed(1)} s (${website.reason})` : `website: ${website.reason}`);
  const stale = force ? 'asked to rebuild' : staleness(DEFAULT_WORKFLOW_BUNDLE);
  if (stale === undefined) {
    say('workflow bundle: worker/build is up to date');
    return;
  }
  const started = performance.now();
  await buildWorkflowBundle(DEFAULT_WORKFLOW_BUNDLE);
  say(`workflow bundle built in ${((performance.now() - started) / 1000).toFixed(1)} s (${stale})`);
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } } });
  await buildForProduction({ force: values.force });
}
