#!/usr/bin/env bash
# Writes a Debian root filesystem as a tar: the machine's own release and apt sources (read from its apt
# configuration, so nothing comes from anywhere the machine's apt does not already use), with documentation,
# man pages, locales' translations and apt's lists left out. Used by the images' prepare.sh.
#   debian-rootfs.sh OUT.tar VARIANT PACKAGES [mmdebstrap options...]
# VARIANT is mmdebstrap's: `extract` (the packages' files and their dependencies', no maintainer scripts: for images
# of one program, without Perl; busybox is added with its applets (sh, wget, nc, ps, ... for `kubectl exec`), /etc/passwd and
# /etc/group get root and nobody, a hook of the caller adds its own user), or `essential` / `minbase` (maintainer scripts run: packages set themselves up).
# The callers' --customize-hook options run last (after the cleanup) in either (mmdebstrap runs no customize phase for `extract`: they
# become extract hooks there).
set -euo pipefail
out=$1 variant=$2 packages=$3
shift 3
hook=--customize-hook
extra=()
if [ "$variant" = extract ]; then
  hook=--extract-hook
  packages="$packages,busybox"
  extra+=("$hook"='printf "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n" > "$1/etc/passwd"'
    "$hook"='printf "root:x:0:\nnogroup:x:65534:\n" > "$1/etc/group"'
    "$hook"='mkdir -p "$1/usr/bin" "$1/usr/sbin" "$1/sbin" "$1/tmp" && chmod 1777 "$1/tmp" && chroot "$1" /bin/busybox --install -s'
    # Only maintainer scripts would use Perl (pulled in by adduser and the like) and iconv's modules: 45 MB.
    "$hook"='rm -rf "$1"/usr/share/perl* "$1"/usr/lib/x86_64-linux-gnu/perl* "$1"/usr/bin/perl* "$1"/usr/lib/x86_64-linux-gnu/gconv')
fi
suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
sources=()
for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -f "$file" ] && sources+=("$file")
done
mmdebstrap --quiet --variant="$variant" --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/lintian/*' \
  "${extra[@]}" \
  "$hook"='rm -rf "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/locale/* "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*' \
  "${@/#--customize-hook=/$hook=}" \
  "$suite" "$out" "${sources[@]}"
