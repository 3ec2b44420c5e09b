#!/usr/bin/env bash
# Puts rootfs.tar, Debian's redis-server and its libraries (no maintainer scripts), into the build context ($1).
set -euo pipefail
"$(dirname "${BASH_SOURCE[0]}")/../debian-rootfs.sh" "$1/rootfs.tar" extract redis-server \
  --customize-hook='echo "redis:x:999:999:redis:/data:/usr/sbin/nologin" >> "$1/etc/passwd"; echo "redis:x:999:" >> "$1/etc/group"' \
  --customize-hook='rm -rf "$1"/etc/redis "$1"/etc/init.d "$1"/lib/systemd "$1"/usr/lib/systemd; mkdir -p "$1/data" && chown 999:999 "$1/data"'
