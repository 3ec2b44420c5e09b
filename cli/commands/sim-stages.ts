// `failurelib sim-stages`: regenerates the kwok stages; the simulated registry holds the library's images and the
// Failure Library's own image as built here (infra/images/build.sh failurelib; the Helm chart's default), so the
// chart installs on the sim cluster with its pods Ready.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderKwokStages } from '../../infra/sim-cluster/kwok-stages.ts';
import { libraryImages } from '../../scenarios/lib/images.ts';
import type { Library } from '../../scenarios/lib/load.ts';
import { REPO_ROOT } from '../library-paths.ts';

export const STAGES_FILE = join(REPO_ROOT, 'infra', 'sim-cluster', 'kwok-stages.yaml');

export const FAILURELIB_IMAGE = 'localhost/failurelib/failurelib:local';

export function kwokStagesFor(library: Library): string {
  return renderKwokStages([...libraryImages(library), FAILURELIB_IMAGE]);
}

export function writeSimStages(library: Library, out: (line: string) => void): number {
  writeFileSync(STAGES_FILE, kwokStagesFor(library));
  out(`wrote ${STAGES_FILE} (restart the sim cluster's kwok to load it)`);
  return 0;
}
