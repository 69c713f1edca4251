#!/usr/bin/env bash
# Fails when the build changed a committed generated file (or made a new one): the generator's
# inputs changed but its output was not committed. Never hand-edit these files.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
paths=(crds kustomize)
[ -d olm-bundle ] && paths+=(olm-bundle)
changes=$(git status --porcelain -- "${paths[@]}")
if [ -n "$changes" ]; then
  echo "Generated files are stale; commit the build's output:" >&2
  echo "$changes" >&2
  git --no-pager diff --stat -- "${paths[@]}" >&2
  exit 1
fi
echo "Generated files (${paths[*]}) are up to date."
