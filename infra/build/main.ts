// `npm run build`: the production build. The website with its Node adapter (web/build, served by
// `node web/production-server.ts`) and the worker's workflow bundles, sessions' and publications' (worker/build).
// Each is skipped when it was made from the sources as they are; --force rebuilds all.
import { parseArgs } from 'node:util';
import {
  DEFAULT_WORKFLOW_BUNDLE,
  PUBLICATION_WORKFLOWS_PATH,
  WORKFLOWS_PATH,
  buildWorkflowBundle,
  publicationBundlePath,
  staleness,
} from '../../worker/workflow-bundle.ts';
import { buildWebsite } from './website.ts';

export async function buildForProduction({
  force = false,
  say = console.log,
}: { force?: boolean; say?: (message: string) => void } = {}): Promise<void> {
  const website = await buildWebsite({ force });
  say(website.built ? `website built in ${(website.ms / 1000).toFixed(1)} s (${website.reason})` : `website: ${website.reason}`);
  const bundles = [
    { name: 'workflow bundle', codePath: DEFAULT_WORKFLOW_BUNDLE, workflowsPath: WORKFLOWS_PATH },
    { name: 'publication bundle', codePath: publicationBundlePath(DEFAULT_WORKFLOW_BUNDLE), workflowsPath: PUBLICATION_WORKFLOWS_PATH },
  ];
  for (const { name, codePath, workflowsPath } of bundles) {
    const stale = force ? 'asked to rebuild' : staleness(codePath, workflowsPath);
    if (stale === undefined) {
      say(`${name}: worker/build is up to date`);
      continue;
    }
    const started = performance.now();
    await buildWorkflowBundle(codePath, workflowsPath);
    say(`${name} built in ${((performance.now() - started) / 1000).toFixed(1)} s (${stale})`);
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { force: { type: 'boolean', default: false } } });
  await buildForProduction({ force: values.force });
}
