#!/usr/bin/env bash
# Quick start, command 1: set up (first run builds the toolchain) and start the whole stack.
# Dev mode (Vite dev server) by default; `bash infra/up.sh --prod` builds (npm run build) and runs the built site.
# As root, after setup built it, the real node starts too and sessions run real containers on it (FL_REAL_NODE=0: the
# simulation only); its startup lines say which cluster kind sessions get, and why (README, "Two kinds of cluster").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash infra/setup.sh
source infra/lib/env.sh
exec node infra/stack/main.ts "$@"
