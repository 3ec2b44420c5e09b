#!/usr/bin/env bash
# Puts a static `netpol` (kube-network-policies) binary into the build context ($1), from the Go module proxy.
set -euo pipefail
VERSION=0.8.0
GOBIN="$1" CGO_ENABLED=0 nice -n 10 go install -trimpath -ldflags '-s -w' "sigs.k8s.io/kube-network-policies/cmd@v$VERSION"
mv "$1/cmd" "$1/netpol"
