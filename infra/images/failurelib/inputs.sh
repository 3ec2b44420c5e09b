#!/usr/bin/env bash
# What the failurelib image is made from besides its folder (infra/images/build.sh hashes this output): the
# tracked sources prepare.sh copies, as committed and as changed in the work tree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
paths=(package.json package-lock.json api activities cli cluster config db domain gateway lib scenarios worker workflows web)
git ls-files -s -- "${paths[@]}"
git diff HEAD -- "${paths[@]}"
git ls-files --others --exclude-standard -- "${paths[@]}"
