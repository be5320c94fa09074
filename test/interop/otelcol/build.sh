#!/bin/sh
# Builds a minimal OpenTelemetry Collector from the Collector's own Go modules (the way `ocb`
# builds a distribution): the OTLP receiver (gRPC and HTTP) and the debug exporter, nothing else.
# The upstream for the forward tests (issue 18). Prints the binary's path on its last line; a
# binary newer than its sources is reused. ~3 min on 2 cores with the module proxy, seconds after.
#   test/interop/otelcol/build.sh [OUT]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="${1:-${FLOWTRACE_OTELCOL_BIN:-${XDG_CACHE_HOME:-$HOME/.cache}/flowtrace-otelcol/otelcol}}"
if [ -x "$OUT" ] && [ "$OUT" -nt "$HERE/go.sum" ] && [ "$OUT" -nt "$HERE/main.go" ]; then echo "$OUT"; exit 0; fi
command -v go >/dev/null 2>&1 || { echo "go toolchain not found on PATH" >&2; exit 2; }
mkdir -p "$(dirname "$OUT")"
cd "$HERE"
CGO_ENABLED=0 go build -mod=readonly -trimpath -o "$OUT.tmp" .
mv "$OUT.tmp" "$OUT"
echo "$OUT"
