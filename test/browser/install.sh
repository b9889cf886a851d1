#!/usr/bin/env bash
# test/browser/install.sh DIR — installs playwright-core, the version package-lock.json pins, into
# DIR (outside git) unless it is there already. playwright-core downloads no browser: the tests
# drive Debian's chromium (/usr/bin/chromium).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DIR=${1:?usage: install.sh DIR}
version() { node -p 'require(process.argv[1]).version' "$1" 2>/dev/null || true; }
want=$(node -p 'require(process.argv[1]).packages["node_modules/playwright-core"].version' "$HERE/package-lock.json")
[ "$(version "$DIR/node_modules/playwright-core/package.json")" = "$want" ] && exit 0
printf '\033[1m==> %s\033[0m\n' "installing playwright-core $want (npm) into $DIR" >&2
mkdir -p "$DIR"
cp "$HERE/package.json" "$HERE/package-lock.json" "$DIR/"
npm ci --no-audit --no-fund --loglevel=error --prefix "$DIR" >/dev/null
[ "$(version "$DIR/node_modules/playwright-core/package.json")" = "$want" ] || { echo "playwright-core $want did not install into $DIR" >&2; exit 1; }
