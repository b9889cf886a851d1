#!/usr/bin/env bash
# test/oidc/install.sh DIR — installs the relying-party suite's npm packages (package-lock.json,
# exact versions) into DIR/node_modules, outside git, once: again only when the lock file changed.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 DIR   (e.g. build/oidc-node)" >&2
  exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
STAMP="$DIR/node_modules/.guichet-lock.sha256"
WANT=$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "install.sh: npm is missing (apt-get install nodejs npm)" >&2; exit 1; }
echo "installing the OpenID Connect suite's npm packages into $DIR" >&2
cp "$HERE/package.json" "$HERE/package-lock.json" "$DIR/"
(cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
echo "$WANT" >"$STAMP"
