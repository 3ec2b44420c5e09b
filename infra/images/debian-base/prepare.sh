#!/usr/bin/env bash
# Puts rootfs.tar, a minimal Debian of the machine's own release and apt sources plus busybox, into the
# build context ($1). Documentation, man pages, locales and apt's lists are left out to keep it small;
# busybox's wget, nc, nslookup and httpd are on PATH for debugging from `kubectl exec`.
set -euo pipefail
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
sources=()
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -f "$file" ] && sources+=("$file")
done
mmdebstrap --quiet --variant=minbase --include=busybox,ca-certificates \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  --customize-hook='for tool in wget nc nslookup httpd; do ln -s /bin/busybox "$1/usr/local/bin/$tool"; done' \
  "$suite" "$1/rootfs.tar" "${sources[@]}"
