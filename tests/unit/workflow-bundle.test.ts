// The worker's prebuilt workflow bundle: used while every file it was made from is unchanged, never once one
// changed (the worker then bundles the sources at start and says why). Built with the real bundler (webpack).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkflowBundle, chooseWorkflowBundle, manifestPath } from '../../worker/workflow-bundle.ts';
import { loadConfig } from '../../config/config.ts';

const ROOT = join(import.meta.dirname, '../..');
const FIXTURE = join(ROOT, 'tests/fixtures/bundle-workflows');

describe('the prebuilt workflow bundle', () => {
  let dir: string;
  let workflowsPath: string;
  let codePath: string;

  beforeAll(async () => {
    // Inside the repository (test-results/ is ignored): a bundle only records files under the repository.
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    dir = mkdtempSync(join(ROOT, 'test-results/bundle-'));
    cpSync(FIXTURE, join(dir, 'workflows'), { recursive: true });
    workflowsPath = join(dir, 'workflows/index.ts');
    codePath = join(dir, 'build/workflow-bundle.js');
    await buildWorkflowBundle(codePath, workflowsPath);
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is used while its sources are as they were, and holds their code', () => {
    expect(chooseWorkflowBundle(codePath, workflowsPath)).toEqual({ use: 'prebuilt', codePath });
    expect(readFileSync(codePath, 'utf8')).toContain('greeting from the fixture, version 1');
    const manifest = JSON.parse(readFileSync(manifestPath(codePath), 'utf8')) as { files: Record<string, string> };
    // What the entry imports is recorded too, and the workflow runtime it was bundled with.
    expect(Object.keys(manifest.files)).toEqual(
      expect.arrayContaining([expect.stringMatching(/workflows\/index\.ts$/), expect.stringMatching(/workflows\/greeting\.ts$/)]),
    );
    expect(Object.keys(manifest.files).some((file) => file.startsWith('node_modules/@temporalio/workflow/'))).toBe(true);
  });

  it('is not used once a file it was made from changed, and the reason names that file; changed back, it is used again', () => {
    const imported = join(dir, 'workflows/greeting.ts');
    const original = readFileSync(imported, 'utf8');
    writeFileSync(imported, original.replace('version 1', 'version 2'));
    try {
      const choice = chooseWorkflowBundle(codePath, workflowsPath);
      expect(choice.use).toBe('sources');
      expect(choice.use === 'sources' && choice.reason).toMatch(/workflows\/greeting\.ts changed since the bundle was built/);
    } finally {
      writeFileSync(imported, original);
    }
    expect(chooseWorkflowBundle(codePath, workflowsPath).use).toBe('prebuilt');
  });

  it('is not used without its manifest, for other workflows, when absent, or when switched off', () => {
    const manifest = readFileSync(manifestPath(codePath));
    rmSync(manifestPath(codePath));
    try {
      expect(chooseWorkflowBundle(codePath, workflowsPath)).toEqual({
        use: 'sources',
        reason: expect.stringMatching(/no readable manifest/),
      });
    } finally {
      writeFileSync(manifestPath(codePath), manifest);
    }
    expect(chooseWorkflowBundle(codePath, join(ROOT, 'workflows/index.ts'))).toEqual({
      use: 'sources',
      reason: expect.stringMatching(/is of .*bundle-.*workflows\/index\.ts/),
    });
    expect(chooseWorkflowBundle(join(dir, 'nothing.js'), workflowsPath)).toEqual({
      use: 'sources',
      reason: expect.stringMatching(/no prebuilt bundle/),
    });
    expect(chooseWorkflowBundle(undefined, workflowsPath)).toEqual({ use: 'sources', reason: 'FL_WORKFLOW_BUNDLE=none' });
  });

  it('is looked for where npm run build writes it unless FL_WORKFLOW_BUNDLE says otherwise', () => {
    expect(loadConfig({}).workflowBundle).toBe(join(ROOT, 'worker/build/workflow-bundle.js'));
    expect(loadConfig({ FL_WORKFLOW_BUNDLE: 'elsewhere/bundle.js' }).workflowBundle).toBe(join(ROOT, 'elsewhere/bundle.js'));
    expect(loadConfig({ FL_WORKFLOW_BUNDLE: 'none' }).workflowBundle).toBeUndefined();
  });
});
