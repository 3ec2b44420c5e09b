// Makes the images infra/images/build.sh built ($FL_TOOLS/images/<name>.tar) visible to the node's kubelet:
// imported into containerd's `k8s.io` namespace, and again only when the archive's input hash changed.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TOOLS_DIR } from '../lib/tools.ts';

const run = promisify(execFile);
export const IMAGE_ARCHIVES_DIR = join(TOOLS_DIR, 'images');

/** Imports every built archive whose hash differs from the one last imported; returns the names imported. */
export async function importImages(containerdSocket: string, importedDir: string): Promise<string[]> {
  if (!existsSync(IMAGE_ARCHIVES_DIR)) throw new Error(`no images in ${IMAGE_ARCHIVES_DIR}; run infra/real-node/setup.sh`);
  mkdirSync(importedDir, { recursive: true });
  const imported: string[] = [];
  for (const archive of readdirSync(IMAGE_ARCHIVES_DIR).filter((file) => file.endsWith('.tar'))) {
    const name = archive.slice(0, -'.tar'.length);
    const hash = readFileSync(join(IMAGE_ARCHIVES_DIR, `${name}.hash`), 'utf8').trim();
    const marker = join(importedDir, `${name}.hash`);
    if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === hash) continue;
    await run('ctr', ['--address', containerdSocket, '-n', 'k8s.io', 'images', 'import', join(IMAGE_ARCHIVES_DIR, archive)]);
    writeFileSync(marker, hash);
    imported.push(name);
  }
  return imported;
}
