#!/usr/bin/env bash
# Quick start, command 2: set up (including the PostgreSQL server and Chromium) and run every test:
# types, lint, then the unit, integration (real Temporal, PGlite, PostgreSQL, sim cluster) and e2e projects.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash infra/setup.sh --test
source infra/lib/env.sh
echo "==> typecheck, lint and formatting"
npx tsc -p tsconfig.json --noEmit
(cd web && npx svelte-kit sync >/dev/null) && npx svelte-check --workspace web --threshold error --output machine | tail -1
npx eslint .
npx prettier --check . >/dev/null || { echo 'formatting differs: run npm run format' >&2; npx prettier --list-different .; exit 1; }
echo "==> tests"
exec npx vitest run "$@"
