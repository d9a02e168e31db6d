#!/usr/bin/env bash
# Prints the path of a Chromium that puppeteer-core can drive, installing Debian's
# `chromium` package when none is there. Browser downloaders (puppeteer's,
# playwright's) cannot reach the network on these machines; Debian's packages can.
set -euo pipefail

for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    echo "$candidate"
    exit 0
  fi
done

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo 'ensure-chromium: no Chromium found; install Debian'"'"'s `chromium` package or set CHROMIUM_PATH' >&2
  exit 1
fi

echo 'ensure-chromium: installing Debian chromium (apt-get)' >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  exit 1
fi
rm -f "$log"
echo /usr/bin/chromium
