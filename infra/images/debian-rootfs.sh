#!/usr/bin/env bash
# Writes a minimal Debian root filesystem of the machine's own release and apt sources to $1 (a tar), with the
# packages of $2 (comma-separated) besides minbase. Documentation, man pages, locales and apt's lists are left
# out to keep it small. Used by the images' prepare.sh; build.sh counts this file among every image's inputs.
#   debian-rootfs.sh <rootfs.tar> <packages> [mmdebstrap options...]
set -euo pipefail
out=$1 packages=$2
shift 2
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
sources=()
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -f "$file" ] && sources+=("$file")
done
mmdebstrap --quiet --variant=minbase --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  "$@" "$suite" "$out" "${sources[@]}"
