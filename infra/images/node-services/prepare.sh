#!/usr/bin/env bash
# Puts into the build context ($1): rootfs.tar (the C and C++ runtime libraries Node needs and busybox, from the
# machine's Debian mirror), setup's Node 24 binary without its debug symbols, and app/<program>.js for every
# bundle in FL_SERVICES_DIST (default services/dist, written by `npm run build:services`).
set -euo pipefail
dist=${FL_SERVICES_DIST:-$FL_ROOT/services/dist}
"$(dirname "${BASH_SOURCE[0]}")/../debian-rootfs.sh" "$1/rootfs.tar" extract libc6,libstdc++6,libgcc-s1 \
  --customize-hook='echo "app:x:10001:10001:app:/app:/usr/sbin/nologin" >> "$1/etc/passwd"; echo "app:x:10001:" >> "$1/etc/group"'
strip -o "$1/node" "$(command -v node)"
mkdir -p "$1/app"
cp "$dist"/*.js "$1/app/"
