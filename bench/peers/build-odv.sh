#!/bin/sh
# Builds otel-desktop-viewer from a source checkout (argument 1: the checkout, e.g. of tag v0.4.1)
# into the peers cache and prints the binary's path on the last line. The Go module proxy refuses
# this module (403 at every version), so `go install` cannot fetch it; its dependencies come from
# the proxy as usual. DuckDB is linked through cgo (a C/C++ compiler is needed): ~12 min on 2 cores.
set -eu
SRC="${1:?usage: build-odv.sh SOURCE_DIR}"
CACHE="${FLOWTRACE_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flowtrace-peers}"
OUT="$CACHE/otel-desktop-viewer/otel-desktop-viewer"
if [ -x "$OUT" ]; then echo "$OUT"; exit 0; fi
command -v go >/dev/null 2>&1 || { echo "go toolchain not found on PATH" >&2; exit 2; }
[ -f "$SRC/go.mod" ] && grep -q 'module github.com/CtrlSpice/otel-desktop-viewer' "$SRC/go.mod" || { echo "$SRC is not an otel-desktop-viewer checkout" >&2; exit 3; }
mkdir -p "$(dirname "$OUT")"
cd "$SRC"
CGO_ENABLED=1 go build -trimpath -o "$OUT.tmp" .
mv "$OUT.tmp" "$OUT"
echo "$OUT"
