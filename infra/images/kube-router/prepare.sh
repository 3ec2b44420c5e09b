#!/usr/bin/env bash
# Puts into the build context ($1) what the Containerfile copies: a static `kube-router` (its network policy
# controller is all the node runs of it), built from the Go module proxy, and rootfs.tar, a minimal Debian of the
# machine's own release and apt sources with iptables and ipset, the tools kube-router programs the kernel with.
set -euo pipefail
VERSION=2.1.0 # the only v2 release the module proxy serves here
GOBIN="$1" CGO_ENABLED=0 nice -n 10 go install -trimpath \
  -ldflags "-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=v$VERSION" \
  "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@v$VERSION"
"$(dirname "${BASH_SOURCE[0]}")/../debian-rootfs.sh" "$1/rootfs.tar" minbase iptables,ipset
