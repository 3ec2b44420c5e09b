// `npm run build:services`: bundles every program under services/<program>/main.ts with esbuild (platform node,
// Node 24, ESM, dependencies inlined) into services/dist/<program>.js, which the node-services image copies to /app.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const SERVICES = import.meta.dirname;
export const DIST = join(SERVICES, 'dist');

export function programs(): string[] {
  return readdirSync(SERVICES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(SERVICES, entry.name, 'main.ts')))
    .map((entry) => entry.name)
    .sort();
}

export async function buildServices(names = programs()): Promise<string[]> {
  await Promise.all(
    names.map((name) =>
      build({
        entryPoints: [join(SERVICES, name, 'main.ts')],
        outfile: join(DIST, `${name}.js`),
        bundle: true,
        platform: 'node',
        target: 'node24',
        format: 'esm',
        // CommonJS dependencies (prom-client) call require(): give the ESM bundle one.
        banner: {
          js: "import { createRequire as __flCreateRequire } from 'node:module'; const require = __flCreateRequire(import.meta.url);",
        },
        logLevel: 'warning',
      }),
    ),
  );
  return names.map((name) => join(DIST, `${name}.js`));
}

if (import.meta.main) {
  for (const file of await buildServices(process.argv.slice(2).length ? process.argv.slice(2) : undefined))
    process.stdout.write(`built ${file}\n`);
}
