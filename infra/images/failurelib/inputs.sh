#!/usr/bin/env bash
# What the failurelib image is made from besides its folder (infra/images/build.sh hashes this output): the
# tracked sources prepare.sh copies, as committed and as changed in the work tree.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
# The copied sources, and the whole website (its build is copied too).
mapfile -t paths < <(grep -v '^#' infra/images/failurelib/sources | grep -v '^web/'; echo web)
git ls-files -s -- "${paths[@]}"
git diff HEAD -- "${paths[@]}"
git ls-files --others --exclude-standard -- "${paths[@]}"
