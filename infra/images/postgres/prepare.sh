#!/usr/bin/env bash
# Puts rootfs.tar, Debian's default PostgreSQL server, into the build context ($1). Its maintainer scripts run
# (they create the postgres user); the cluster they create, the JIT compiler (LLVM: 130 MB), Perl's library
# (only postgresql-common's cluster wrappers use it, the image runs the server's own binaries) and the locales'
# sources are removed. Like the official image, new clusters listen on every address.
set -euo pipefail
"$(dirname "${BASH_SOURCE[0]}")/../debian-rootfs.sh" "$1/rootfs.tar" essential postgresql \
  --customize-hook='rm -rf "$1"/var/lib/postgresql/* "$1"/etc/postgresql/* "$1"/usr/lib/postgresql/*/lib/bitcode "$1"/usr/lib/postgresql/*/lib/llvmjit*' \
  --customize-hook='rm -rf "$1"/usr/lib/x86_64-linux-gnu/libLLVM* "$1"/usr/lib/x86_64-linux-gnu/libz3* "$1"/usr/share/perl "$1"/usr/lib/x86_64-linux-gnu/perl "$1"/usr/share/i18n' \
  --customize-hook='ln -s "$(basename "$1"/usr/lib/postgresql/[0-9]*)" "$1/usr/lib/postgresql/current"' \
  --customize-hook='sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '"'*'"'!" "$1"/usr/share/postgresql/*/postgresql.conf.sample' \
  --customize-hook='mkdir -p "$1/var/lib/postgresql/data" "$1/var/run/postgresql" "$1/docker-entrypoint-initdb.d"; chroot "$1" chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql; chmod 2777 "$1/var/run/postgresql"'
