#!/usr/bin/env bash
# Puts rootfs.tar, Debian's nginx and its libraries (no maintainer scripts), into the build context ($1).
set -euo pipefail
"$(dirname "${BASH_SOURCE[0]}")/../debian-rootfs.sh" "$1/rootfs.tar" extract nginx \
  --customize-hook='echo "nginx:x:101:101:nginx:/nonexistent:/usr/sbin/nologin" >> "$1/etc/passwd"; echo "nginx:x:101:" >> "$1/etc/group"' \
  --customize-hook='rm -rf "$1"/etc/nginx/sites-* "$1"/etc/nginx/snippets "$1"/etc/init.d "$1"/etc/logrotate.d "$1"/lib/systemd "$1"/usr/lib/systemd "$1"/var/www' \
  --customize-hook='mkdir -p "$1/var/log/nginx" "$1/var/lib/nginx" "$1/etc/nginx/conf.d"; ln -sf /dev/stdout "$1/var/log/nginx/access.log"; ln -sf /dev/stderr "$1/var/log/nginx/error.log"; chown -R 101:101 "$1/var/log/nginx" "$1/var/lib/nginx"'
