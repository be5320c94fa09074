#!/bin/sh
# Builds Jaeger v2 (Go module github.com/jaegertracing/jaeger v1.76.0 = Jaeger v2.13.0) into a cache
# outside the repo and prints the binary's path on the last line. `go install …@v1.76.0` is refused
# (the module's go.mod has replace directives), so: download the module, copy it out of the read-only
# module cache, build ./cmd/jaeger there. ~20 min on a busy 2-core machine; later runs reuse the binary.
set -eu
VERSION="${JAEGER_MODULE_VERSION:-v1.76.0}"
CACHE="${FLOWTRACE_PEERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flowtrace-peers}"
OUT="$CACHE/jaeger-$VERSION/jaeger"
if [ -x "$OUT" ]; then echo "$OUT"; exit 0; fi
command -v go >/dev/null 2>&1 || { echo "go toolchain not found on PATH" >&2; exit 2; }
mkdir -p "$CACHE"
DIR=$(go mod download -json "github.com/jaegertracing/jaeger@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
[ -n "$DIR" ] && [ -d "$DIR" ] || { echo "go mod download gave no module directory" >&2; exit 3; }
SRC="$CACHE/src/jaeger-$VERSION"
if [ ! -f "$SRC/go.mod" ]; then
  rm -rf "$SRC.tmp" && mkdir -p "$CACHE/src" && cp -R "$DIR" "$SRC.tmp" && chmod -R u+w "$SRC.tmp" && mv "$SRC.tmp" "$SRC"
fi
cd "$SRC"
mkdir -p "$(dirname "$OUT")"
CGO_ENABLED=0 go build -trimpath -o "$OUT.tmp" ./cmd/jaeger
mv "$OUT.tmp" "$OUT"
echo "$OUT"
