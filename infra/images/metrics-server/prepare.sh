#!/usr/bin/env bash
# Puts a static `metrics-server` binary into the build context ($1), built from the Go module proxy.
set -euo pipefail
VERSION=0.9.0
GOBIN="$1" CGO_ENABLED=0 nice -n 10 go install -trimpath -ldflags "-s -w -X sigs.k8s.io/metrics-server/pkg/version.gitVersion=v$VERSION" \
  "sigs.k8s.io/metrics-server/cmd/metrics-server@v$VERSION"
