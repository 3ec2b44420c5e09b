#!/usr/bin/env bash
# Builds the images the real node runs, with buildah, from infra/images/<name>/Containerfile: the image's folder
# is the build context, and its prepare.sh first adds what the Containerfile copies besides (a static binary, a
# Debian root filesystem made by debian-rootfs.sh, the services' bundles); then `buildah bud` builds it and writes
# an OCI archive to $FL_TOOLS/images/<name>.tar, named localhost/failurelib/<name>:local. Nothing is pulled. An
# image is rebuilt only when the hash of its inputs (its folder, debian-rootfs.sh if its prepare.sh uses it, the
# machine's apt sources and release, Go's version, and what its inputs.sh prints) changed, so a second run takes
# seconds. An image whose inputs.sh fails (node-services before `npm run build:services`) is skipped with its reason. The node imports
# the archives into containerd when it starts (infra/real-node/images.ts).
# `failurelib` (the Failure Library itself, for the Helm chart) is built only when named: the default setup does
# not need it.
#   infra/images/build.sh [name...]   (default: every image the real node runs)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"
images_dir="$FL_ROOT/infra/images"
out="$FL_TOOLS/images"
# Built archives are also kept per input hash in the machine's cache, so another checkout of the same sources (a
# clean clone, a worktree) copies them instead of building again; FL_IMAGE_CACHE=off builds regardless.
cache="${FL_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/failurelib/images}"
mkdir -p "$out"
[ "$cache" = off ] || mkdir -p "$cache"
on_request=failurelib # built only when named
names=("$@")
[ ${#names[@]} -gt 0 ] || mapfile -t names < <(cd "$images_dir" && ls -d */ | tr -d / | grep -vx "$on_request")

inputs_hash() { # the image's folder, plus what prepare.sh reads from the machine and the repository; no absolute
  # paths, so every checkout of the same sources gets the same hash (and the machine's cache serves them all)
  { (cd "$images_dir/$1" && find . -type f | LC_ALL=C sort | xargs sha256sum)
    if grep -qs debian-rootfs.sh "$images_dir/$1/prepare.sh"; then sha256sum <"$images_dir/debian-rootfs.sh"; fi
    if [ -x "$images_dir/$1/inputs.sh" ]; then "$images_dir/$1/inputs.sh" || return 1; fi
    cat /etc/os-release /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true
    go version 2>/dev/null || true
  } | sha256sum | cut -c1-16
}

keep_in_cache() { # name hash — this build of the image becomes the cache's only one
  rm -f "$cache/$1"-????????????????.tar
  cp "$out/$1.tar" "$cache/$1-$2.tar.tmp" && mv "$cache/$1-$2.tar.tmp" "$cache/$1-$2.tar"
}

for name in "${names[@]}"; do
  if ! hash=$(inputs_hash "$name" 2>"$out/.inputs-$name.err"); then
    echo "    $name: skipped: $(cat "$out/.inputs-$name.err")"
    rm -f "$out/.inputs-$name.err"
    continue
  fi
  rm -f "$out/.inputs-$name.err"
  if [ -f "$out/$name.tar" ] && [ "$(cat "$out/$name.hash" 2>/dev/null)" = "$hash" ]; then
    echo "    $name: up to date ($hash)"
    if [ "$cache" != off ] && [ ! -f "$cache/$name-$hash.tar" ]; then
      keep_in_cache "$name" "$hash"
    fi
    continue
  fi
  if [ "$cache" != off ] && [ -f "$cache/$name-$hash.tar" ]; then
    cp "$cache/$name-$hash.tar" "$out/$name.tar.tmp" && mv "$out/$name.tar.tmp" "$out/$name.tar"
    echo "$hash" > "$out/$name.hash"
    echo "    $name: from the machine's image cache ($hash, $cache)"
    continue
  fi
  started=$(date +%s)
  context=$(mktemp -d "$out/.build-$name-XXXX")
  trap 'rm -rf "$context"' EXIT
  cp -r "$images_dir/$name/." "$context/"
  if [ -x "$images_dir/$name/prepare.sh" ]; then "$images_dir/$name/prepare.sh" "$context"; fi
  tag="localhost/failurelib/$name:local"
  buildah bud --quiet --layers=false -f "$context/Containerfile" -t "$tag" "$context" >/dev/null
  rm -f "$out/$name.tar"
  buildah push --quiet "$tag" "oci-archive:$out/$name.tar:$tag"
  buildah rmi "$tag" >/dev/null 2>&1 || true
  echo "$hash" > "$out/$name.hash"
  if [ "$cache" != off ]; then # keep only this build of the image in the cache
    keep_in_cache "$name" "$hash"
  fi
  rm -rf "$context"
  trap - EXIT
  echo "    $name: built in $(( $(date +%s) - started )) s ($(du -h "$out/$name.tar" | cut -f1), $hash)"
done
