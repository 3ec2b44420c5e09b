#!/usr/bin/env bash
# Quick start, command 2: set up (including the PostgreSQL server and Chromium) and run every test:
# types, lint, then the unit, integration (real Temporal, PGlite, PostgreSQL, sim cluster) and e2e projects.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash infra/setup.sh --test
source infra/lib/env.sh
echo "==> typecheck and lint"
npx tsc -p tsconfig.json --noEmit
(cd web && npx svelte-kit sync >/dev/null) && npx svelte-check --workspace web --threshold error --output machine | tail -1
npx eslint .
echo "==> tests"
exec npx vitest run "$@"
