#!/usr/bin/env bash
# Puts rootfs.tar, a minimal Debian of the machine's own release and apt sources plus busybox, into the
# build context ($1). busybox's wget, nc, nslookup and httpd are on PATH for debugging from `kubectl exec`.
set -euo pipefail
"$(dirname "${BASH_SOURCE[0]}")/../debian-rootfs.sh" "$1/rootfs.tar" minbase busybox,ca-certificates \
  --customize-hook='for tool in wget nc nslookup httpd; do ln -s /bin/busybox "$1/usr/local/bin/$tool"; done'
