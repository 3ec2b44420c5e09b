#!/usr/bin/env bash
# Puts what the failurelib Containerfile copies into the build context ($1): rootfs.tar (the debian-base image's
# root filesystem, made the same way), node (setup's Node 24), an empty data/ (FL_DATA_DIR, owned by the image's
# user) and app/: the production build (`npm run build`: web/build and worker/build), the tracked sources the
# processes run (Node 24 runs the TypeScript as is) and the production dependencies (`npm ci --omit=dev`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../lib/env.sh"
context=$1
bash "$FL_ROOT/infra/images/debian-base/prepare.sh" "$context"
cp "$(readlink -f "$(command -v node)")" "$context/node"
mkdir -p "$context/data" "$context/app"
cd "$FL_ROOT"
npm run --silent build
# What the processes import: the production code and the library, never tests, bench or infra.
mapfile -t sources < <(grep -v '^#' infra/images/failurelib/sources)
git ls-files -z -- "${sources[@]}" | xargs -0 cp --parents -t "$context/app"
cp -r --parents web/build worker/build "$context/app"
(cd "$context/app" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
# Smaller: the Temporal core bridge ships prebuilt for five platforms (about 28 MB each); the image keeps this
# machine's. Type declarations and source maps are never read at run time, except those webpack read for the
# prebuilt workflow bundle: they are in its manifest, and a bundle whose inputs are gone is not used.
find "$context/app/node_modules/@temporalio/core-bridge/releases" -mindepth 1 -maxdepth 1 ! -name "$(uname -m)-unknown-linux-gnu" \
  -exec rm -rf {} +
(cd "$context/app" && node -e '
  const { readdirSync, readFileSync, rmSync } = require("node:fs");
  const manifests = ["workflow-bundle", "publication-bundle"].map((name) => `worker/build/${name}.manifest.json`);
  const keep = new Set(manifests.flatMap((file) => Object.keys(JSON.parse(readFileSync(file, "utf8")).files)));
  for (const entry of readdirSync("node_modules", { recursive: true, withFileTypes: true })) {
    const path = `${entry.parentPath}/${entry.name}`;
    if (entry.isFile() && /\.(d\.[cm]?ts|map)$/.test(entry.name) && !keep.has(path)) rmSync(path);
  }')
# Every relative import of the copied code resolves in the image (a folder missing from `sources` would only
# show as ERR_MODULE_NOT_FOUND when a pod starts).
(cd "$context/app" && node -e '
  const { readdirSync, readFileSync, existsSync } = require("node:fs");
  const { dirname, join } = require("node:path");
  const missing = [];
  for (const entry of readdirSync(".", { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || !/\.[cm]?ts$/.test(entry.name) || path.startsWith("node_modules")) continue;
    for (const [, target] of readFileSync(path, "utf8").matchAll(/(?:from|import\()\s*["\x27](\.\.?\/[^"\x27]+)["\x27]/g))
      if (!existsSync(join(dirname(path), target))) missing.push(`${path} imports ${target}`);
  }
  if (missing.length) { console.error(`not in the image (add to infra/images/failurelib/sources):\n${missing.join("\n")}`); process.exit(1); }')
# The image's worker must run the prebuilt bundles (webpack at start fails in a pod): refuse to build one it would
# ignore.
(cd "$context/app" && node --input-type=module -e '
  const { staleness, DEFAULT_WORKFLOW_BUNDLE, PUBLICATION_WORKFLOWS_PATH, publicationBundlePath } = await import("./worker/workflow-bundle.ts");
  for (const [codePath, workflowsPath] of [[DEFAULT_WORKFLOW_BUNDLE], [publicationBundlePath(DEFAULT_WORKFLOW_BUNDLE), PUBLICATION_WORKFLOWS_PATH]]) {
    const stale = staleness(codePath, workflowsPath);
    if (stale) { console.error(`the image would not use the prebuilt bundle ${codePath}: ${stale}`); process.exit(1); }
  }')
