// Builds the website (vite build with SvelteKit's Node adapter into web/build) unless the build there was made from
// exactly the sources there are now: every module the build read, every file under web/ and the lockfile, with
// their sha256 in web/build/inputs.json.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBuilder } from 'vite';
import { digestFiles, firstChange, type FileDigests } from '../../lib/file-digests.ts';
import { ROOT } from '../lib/tools.ts';

const WEB = join(ROOT, 'web');
export const WEBSITE_BUILD = join(WEB, 'build');
const INPUTS = join(WEBSITE_BUILD, 'inputs.json');
/** Made by SvelteKit or the build itself, never an input. */
const GENERATED = new Set(['build', '.svelte-kit', 'node_modules']);

/** Why the website must be (re)built; undefined when web/build matches the sources. */
export function websiteStaleness(): string | undefined {
  let inputs: FileDigests;
  try {
    inputs = JSON.parse(readFileSync(INPUTS, 'utf8')) as FileDigests;
  } catch {
    return 'no website build yet';
  }
  // A file added under web/ (a new route) is an input the recorded build never saw.
  const added = webFiles()
    .map((file) => file.slice(ROOT.length + 1))
    .find((file) => !(file in inputs));
  if (added !== undefined) return `${added} is new`;
  return firstChange(ROOT, inputs);
}

/** Builds the website when its sources changed since the last build; says which it did. */
export async function buildWebsite({ force = false }: { force?: boolean } = {}): Promise<{ built: boolean; reason: string; ms: number }> {
  const started = performance.now();
  const reason = force ? 'asked to rebuild' : websiteStaleness();
  if (reason === undefined) return { built: false, reason: 'web/build is up to date', ms: performance.now() - started };
  const modules = new Set<string>();
  const builder = await createBuilder({
    configFile: join(WEB, 'vite.config.ts'),
    logLevel: 'warn',
    plugins: [
      {
        name: 'failurelib-build-inputs',
        buildEnd() {
          for (const id of this.getModuleIds()) modules.add(id);
        },
      },
    ],
  });
  await builder.buildApp();
  const read = [...modules]
    .map((id) => id.split('?')[0] ?? id)
    .filter((file) => file.startsWith(ROOT + '/') && !file.includes('/node_modules/') && !file.includes('/.svelte-kit/'));
  writeFileSync(INPUTS, JSON.stringify(digestFiles(ROOT, [...read, ...webFiles(), join(ROOT, 'package-lock.json')]), null, 2) + '\n');
  return { built: true, reason, ms: performance.now() - started };
}

function webFiles(dir = WEB): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (GENERATED.has(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? webFiles(path) : entry.isFile() ? [path] : [];
  });
}
