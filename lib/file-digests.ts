// What a build was made from: each input file (relative to a root) with the sha256 of its content, and the first
// one that differs now. Build outputs keep these beside them so they are used only while they match their sources.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export type FileDigests = Record<string, string>;

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The digests of `files` (absolute paths under `root`), keyed by their path relative to it, in path order. */
export function digestFiles(root: string, files: Iterable<string>): FileDigests {
  const paths = [...new Set(files)].map((file) => relative(root, file)).sort();
  return Object.fromEntries(paths.map((path) => [path, sha256(join(root, path))]));
}

/** Which recorded file is gone or has other content now ("web/src/app.html changed"); undefined when none. */
export function firstChange(root: string, digests: FileDigests): string | undefined {
  for (const [path, digest] of Object.entries(digests)) {
    const file = join(root, path);
    if (!existsSync(file)) return `${path} is gone`;
    if (sha256(file) !== digest) return `${path} changed`;
  }
  return undefined;
}
