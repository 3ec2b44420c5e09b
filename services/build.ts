// Bundles each program (services/<program>/main.ts) with its dependencies into services/dist/<program>.js:
// one file per program, run with `node /app/<program>.js` in the node-services image. `npm run build:services`.
import { readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));

/** Every folder with a main.ts is a program. */
export function programs(): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'main.ts')))
    .map((entry) => entry.name)
    .sort();
}

export async function buildServices(outdir = join(root, 'dist')): Promise<string[]> {
  const names = programs();
  await build({
    entryPoints: Object.fromEntries(names.map((name) => [name, join(root, name, 'main.ts')])),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    // Bundled CommonJS dependencies (ioredis, prom-client) call require() for Node's built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'warning',
  });
  return names;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = await buildServices();
  process.stdout.write(`built ${names.length} programs into services/dist: ${names.join(', ')}\n`);
}
