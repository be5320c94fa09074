#!/bin/sh
# Builds a Go peer of the side-by-side into the peers cache (outside the repo) and prints the
# binary's path on the last line; a cached binary is reused.
#   build.sh jaeger                      Jaeger v2.13.0 = Go module github.com/jaegertracing/jaeger v1.76.0.
#                                        `go install …@v1.76.0` is refused (replace directives in its go.mod),
#                                        so: download the module, copy it out of the read-only module cache,
#                                        `go build ./cmd/jaeger` there (~11–20 min on 2 cores).
#   build.sh otel-desktop-viewer SRC     From a source checkout SRC (tag v0.4.1): the module proxy refuses
#                                        this module (403), its dependencies come from the proxy as usual.
#                                        DuckDB through cgo: a C/C++ compiler is needed (~6–12 min).
set -eu
WHAT="${1:?usage: build.sh jaeger | build.sh otel-desktop-viewer SOURCE_DIR}"
CACHE="${FLOWTRACE_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flowtrace-peers}"
JAEGER_VERSION="${JAEGER_MODULE_VERSION:-v1.76.0}"
case "$WHAT" in
  jaeger) OUT="$CACHE/jaeger-$JAEGER_VERSION/jaeger" ;;
  otel-desktop-viewer) OUT="$CACHE/otel-desktop-viewer/otel-desktop-viewer" ;;
  *) echo "unknown peer: $WHAT" >&2; exit 2 ;;
esac
if [ -x "$OUT" ]; then echo "$OUT"; exit 0; fi
command -v go >/dev/null 2>&1 || { echo "go toolchain not found on PATH" >&2; exit 2; }
mkdir -p "$(dirname "$OUT")"
if [ "$WHAT" = jaeger ]; then
  DIR=$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [ -n "$DIR" ] && [ -d "$DIR" ] || { echo "go mod download gave no module directory" >&2; exit 3; }
  SRC="$CACHE/src/jaeger-$JAEGER_VERSION"
  if [ ! -f "$SRC/go.mod" ]; then
    rm -rf "$SRC.tmp" && mkdir -p "$CACHE/src" && cp -R "$DIR" "$SRC.tmp" && chmod -R u+w "$SRC.tmp" && mv "$SRC.tmp" "$SRC"
  fi
  cd "$SRC"
  CGO_ENABLED=0 go build -trimpath -o "$OUT.tmp" ./cmd/jaeger
else
  SRC="${2:?usage: build.sh otel-desktop-viewer SOURCE_DIR}"
  grep -qs 'module github.com/CtrlSpice/otel-desktop-viewer' "$SRC/go.mod" || { echo "$SRC is not an otel-desktop-viewer checkout" >&2; exit 3; }
  cd "$SRC"
  CGO_ENABLED=1 go build -trimpath -o "$OUT.tmp" .
fi
mv "$OUT.tmp" "$OUT"
echo "$OUT"
