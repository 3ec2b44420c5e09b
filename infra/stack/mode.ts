// The stack's two modes. dev (default, for authors): the website is Vite's dev server, reloading on save, and the
// worker bundles the workflows at start unless a fresh prebuilt bundle is there. prod (--prod): what changed is
// built first (npm run build), then the built website runs on node and the worker loads the prebuilt bundle.
import { join } from 'node:path';
import { buildForProduction } from '../build/main.ts';

export type StackMode = 'dev' | 'prod';

export function stackMode(argv: readonly string[]): StackMode {
  const unknown = argv.filter((arg) => arg !== '--prod');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(' ')}; the stack takes only --prod (run the production build)`);
  return argv.includes('--prod') ? 'prod' : 'dev';
}

export function describeMode(mode: StackMode): string {
  return mode === 'prod'
    ? 'prod: the built website (node web/production-server.ts) and the prebuilt workflow bundle'
    : 'dev: Vite dev server (reloads on save); the worker bundles workflows at start unless a fresh bundle is built (--prod runs the production build)';
}

/** Node's arguments for the website process. */
export function websiteArgs(mode: StackMode, root: string): string[] {
  return mode === 'prod'
    ? [join(root, 'web/production-server.ts')]
    : [join(root, 'node_modules/vite/bin/vite.js'), 'dev', '--config', 'web/vite.config.ts'];
}

/** Before the services start: in prod, builds the website and the workflow bundle where their sources changed. */
export async function prepareWorkflowsAndWebsite(mode: StackMode, say: (message: string) => void): Promise<void> {
  if (mode === 'prod') await buildForProduction({ say });
}
