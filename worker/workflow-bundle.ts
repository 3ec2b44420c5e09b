// The workflow bundle built ahead of time, so a worker that starts need not bundle (webpack, ~20 s on a busy
// machine) before it takes its first session. Next to the code lies a manifest of every file webpack read, with its
// sha256: a worker uses the bundle only when each still has the same content, so it never runs workflow code
// older than its sources.
import { mkdirSync, statSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { digestFiles, firstChange, type FileDigests } from '../lib/file-digests.ts';

const ROOT = resolve(import.meta.dirname, '..');
export const WORKFLOWS_PATH = join(ROOT, 'workflows/index.ts');
/** Where `npm run build` writes the bundle; FL_WORKFLOW_BUNDLE names another file. */
export const DEFAULT_WORKFLOW_BUNDLE = join(ROOT, 'worker/build/workflow-bundle.js');
/** The publications' workflows (webhook deliveries): their own task queue, so their own bundle. */
export const PUBLICATION_WORKFLOWS_PATH = join(ROOT, 'workflows/publications/deliver-webhook.ts');

/** The publications' bundle lies next to the sessions' one: one build, one FL_WORKFLOW_BUNDLE. */
export function publicationBundlePath(sessionBundlePath: string): string {
  return join(dirname(sessionBundlePath), 'publication-bundle.js');
}

/** The bundler's own code shapes the bundle too: a bundle made by another @temporalio/worker is stale. */
const BUNDLER_VERSION: string = (createRequire(import.meta.url)('@temporalio/worker/package.json') as { version: string }).version;

export interface BundleManifest {
  bundlerVersion: string;
  workflowsPath: string;
  /** Every file the bundle was made from (relative to the repository), with the sha256 of its content then. */
  files: FileDigests;
}

export type BundleChoice = { use: 'prebuilt'; codePath: string } | { use: 'sources'; reason: string };

export function manifestPath(codePath: string): string {
  return codePath.replace(/\.js$/, '') + '.manifest.json';
}

/** Bundles `workflowsPath` as a worker would and writes the code and its manifest next to each other. */
export async function buildWorkflowBundle(codePath = DEFAULT_WORKFLOW_BUNDLE, workflowsPath = WORKFLOWS_PATH): Promise<BundleManifest> {
  const read = new Set<string>();
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    logger: new DefaultLogger('WARN'),
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [
        ...(config.plugins ?? []),
        {
          apply(compiler) {
            compiler.hooks.afterCompile.tap('failurelib-bundle-manifest', (compilation) => {
              for (const file of compilation.fileDependencies) read.add(file);
            });
          },
        },
      ],
    }),
  });
  // webpack reads the entry through an in-memory file system; only files on disk can go stale.
  const manifest: BundleManifest = {
    bundlerVersion: BUNDLER_VERSION,
    workflowsPath: relative(ROOT, workflowsPath),
    files: digestFiles(
      ROOT,
      [...read].filter((file) => file.startsWith(ROOT + '/') && statSync(file, { throwIfNoEntry: false })?.isFile()),
    ),
  };
  mkdirSync(dirname(codePath), { recursive: true });
  // Written beside and renamed: a worker starting meanwhile sees the old pair or the new one, never half of one.
  writeFileSync(`${codePath}.tmp`, code);
  writeFileSync(`${manifestPath(codePath)}.tmp`, JSON.stringify(manifest, null, 2) + '\n');
  renameSync(`${codePath}.tmp`, codePath);
  renameSync(`${manifestPath(codePath)}.tmp`, manifestPath(codePath));
  return manifest;
}

/** Why the bundle at `codePath` cannot stand for `workflowsPath` as the sources are now; undefined when it can. */
export function staleness(codePath: string, workflowsPath = WORKFLOWS_PATH): string | undefined {
  if (!statSync(codePath, { throwIfNoEntry: false })?.isFile())
    return `no prebuilt bundle at ${relative(ROOT, codePath)} (npm run build makes one)`;
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath(codePath), 'utf8')) as BundleManifest;
  } catch {
    return `the prebuilt bundle has no readable manifest (${relative(ROOT, manifestPath(codePath))})`;
  }
  if (manifest.bundlerVersion !== BUNDLER_VERSION)
    return `the prebuilt bundle was made by @temporalio/worker ${manifest.bundlerVersion}, this is ${BUNDLER_VERSION}`;
  if (manifest.workflowsPath !== relative(ROOT, workflowsPath))
    return `the prebuilt bundle is of ${manifest.workflowsPath}, not ${relative(ROOT, workflowsPath)}`;
  const change = firstChange(ROOT, manifest.files);
  return change === undefined ? undefined : `${change} since the bundle was built`;
}

/** The prebuilt bundle when it is there and as fresh as the sources, else the sources with the reason. */
export function chooseWorkflowBundle(codePath: string | undefined, workflowsPath = WORKFLOWS_PATH): BundleChoice {
  if (codePath === undefined) return { use: 'sources', reason: 'FL_WORKFLOW_BUNDLE=none' };
  const reason = staleness(codePath, workflowsPath);
  return reason === undefined ? { use: 'prebuilt', codePath } : { use: 'sources', reason };
}
