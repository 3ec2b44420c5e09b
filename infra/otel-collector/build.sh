#!/usr/bin/env bash
# Builds the telemetry collector (manifest.yaml) into $FL_TOOLS/bin/fl-otelcol with the OpenTelemetry Collector
# Builder, both from the Go module proxy. Cached by the manifest's hash: the first run pays the Go build (minutes on
# two cores), later runs take a second. Called by infra/setup.sh; idempotent.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/env.sh"
cd "$FL_ROOT"
BUILDER_VERSION=0.165.0 # the same release as the core components in manifest.yaml
manifest=infra/otel-collector/manifest.yaml
hash=$(sha256sum "$manifest" | cut -c1-16)
out="$FL_TOOLS/bin/fl-otelcol"
stamp="$FL_TOOLS/bin/.fl-otelcol-$hash"
if [ -x "$out" ] && [ -f "$stamp" ]; then
  echo "    fl-otelcol: cached ($hash)"
  exit 0
fi
mkdir -p "$FL_TOOLS/bin"
if ! "$FL_TOOLS/bin/ocb" version 2>/dev/null | grep -q "v$BUILDER_VERSION"; then
  GOBIN="$FL_TOOLS/bin/ocb-$BUILDER_VERSION" nice -n 10 go install "go.opentelemetry.io/collector/cmd/builder@v$BUILDER_VERSION"
  mv "$FL_TOOLS/bin/ocb-$BUILDER_VERSION/builder" "$FL_TOOLS/bin/ocb" && rmdir "$FL_TOOLS/bin/ocb-$BUILDER_VERSION"
fi
work="$FL_TOOLS/otelcol-build"
rm -rf "$work" && mkdir -p "$work"
# The builder writes the generated sources (main.go, go.mod) and the binary to dist.output_path.
sed "/^dist:/a\\  output_path: $work" "$manifest" >"$work/manifest.yaml"
CGO_ENABLED=0 nice -n 10 "$FL_TOOLS/bin/ocb" --config "$work/manifest.yaml" --ldflags "-s -w"
mv "$work/fl-otelcol" "$out"
rm -f "$FL_TOOLS"/bin/.fl-otelcol-* && touch "$stamp"
echo "    $("$out" --version)"
