#!/usr/bin/env bash
# What node-services is built from besides its folder, for infra/images/build.sh's hash: the Node binary and every
# bundle `npm run build:services` wrote (FL_SERVICES_DIST, default services/dist). No bundle: exits 1.
set -euo pipefail
dist=${FL_SERVICES_DIST:-$FL_ROOT/services/dist}
shopt -s nullglob
bundles=("$dist"/*.js)
if [ ${#bundles[@]} -eq 0 ]; then
  echo "no bundles in $dist (npm run build:services writes them)" >&2
  exit 1
fi
sha256sum <"$(command -v node)"
cd "$dist" && sha256sum -- *.js # names relative to the folder: the hash is the same in every checkout
