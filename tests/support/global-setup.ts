// Starts the real services once for the integration and e2e projects (tests/support/test-services.ts). A
// service that cannot start fails the run, after stopping the ones that did: these tests never skip silently.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTestServices } from './test-services.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    kubeconfig: string;
    databases: { name: 'pglite' | 'postgres'; url: string }[];
    servicesDir: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'fl-test-'));
  const services = await startTestServices(dir).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  project.provide('temporalAddress', services.temporalAddress);
  project.provide('kubeconfig', services.kubeconfig);
  project.provide('databases', services.databases);
  project.provide('servicesDir', dir);
  return async () => {
    await services.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
