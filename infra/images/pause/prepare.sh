#!/usr/bin/env bash
# Puts a static `pause` binary into the build context ($1).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags '-s -w' -o "$1/pause" .
