#!/usr/bin/env bash
# What the real node needs (infra/real-node/node.ts): Debian's containerd, runc, CNI plugins, iptables,
# nftables (kube-proxy's mode), conntrack and ipset (the node removes the NetworkPolicy enforcer's sets when it stops); buildah and mmdebstrap
# to build its images here; kubelet and kube-proxy built from the same wrapper module (and version) as the
# apiserver; then the services' bundles and the images of infra/images. Called by infra/setup.sh; idempotent, a
# second run takes seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"
cd "$FL_ROOT"
K8S_VERSION=${K8S_VERSION:-1.36.3}
CRICTL_VERSION=1.37.0 # the CRI client the node uses to remove every pod sandbox on stop (not packaged in Debian 12)
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31mxx  %s\033[0m\n' "$*" >&2; exit 1; }
mkdir -p "$FL_TOOLS/bin"

step "Real node: containerd, runc, CNI plugins, buildah, mmdebstrap, iptables, nftables, conntrack, ipset"
missing=()
for pair in containerd:containerd runc:runc /usr/lib/cni/bridge:containernetworking-plugins buildah:buildah \
            mmdebstrap:mmdebstrap iptables:iptables nft:nftables conntrack:conntrack ipset:ipset; do
  command -v "${pair%%:*}" >/dev/null || [ -x "${pair%%:*}" ] || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then # without root the stack runs on the simulation only (and says so): setup goes on
    printf '\033[33m!!  skipping the real node: it needs root and these Debian packages: %s\033[0m\n' "${missing[*]}"
    exit 0
  fi
  if [ ! -f "$FL_TOOLS/.apt-updated" ]; then apt-get update -qq && touch "$FL_TOOLS/.apt-updated"; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]} failed"
fi
echo "    $(containerd --version | awk '{print $1, $3}'), $(runc --version | head -1)"

step "Real node: kubelet and kube-proxy v$K8S_VERSION, crictl v$CRICTL_VERSION"
node_stamp="$FL_TOOLS/bin/.k8s-$K8S_VERSION-node"
if [ ! -f "$node_stamp" ] || [ ! -x "$FL_TOOLS/bin/kubelet" ] || [ ! -x "$FL_TOOLS/bin/kube-proxy" ]; then
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean"
  ( cd infra/sim-cluster/build && nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$FL_TOOLS/bin/" \
      k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy ) || fail "building kubelet and kube-proxy failed"
  touch "$node_stamp"
fi
echo "    $("$FL_TOOLS/bin/kubelet" --version), kube-proxy $("$FL_TOOLS/bin/kube-proxy" --version | awk '{print $2}')"

if [ ! -x "$FL_TOOLS/bin/crictl" ] || ! "$FL_TOOLS/bin/crictl" --version | grep -q "v$CRICTL_VERSION"; then
  GOBIN="$FL_TOOLS/bin" nice -n 10 go install -trimpath -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=v$CRICTL_VERSION" \
    "sigs.k8s.io/cri-tools/cmd/crictl@v$CRICTL_VERSION" \
    || fail "go install crictl failed"
fi
echo "    $("$FL_TOOLS/bin/crictl" --version)"

step "Real node: the telemetry collector (OpenTelemetry Collector Builder, infra/otel-collector) that ships to Sumo Logic"
bash infra/otel-collector/build.sh || fail "building the telemetry collector failed"

step "Real node: the services' bundles (npm run build:services) for the node-services image"
if node -e "process.exit(require('./package.json').scripts?.['build:services'] ? 0 : 1)"; then
  npm run --silent build:services || fail "npm run build:services failed"
else
  echo "    no build:services script yet: node-services is skipped"
fi

step "Real node: images (infra/images, built with buildah, never pulled)"
bash infra/images/build.sh
