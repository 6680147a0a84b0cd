#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (playwright-core drives /usr/bin/chromium and
# downloads no browser of its own). Idempotent: does nothing when chromium is already there. Where it
# cannot install (not root, no apt-get, no network), it says so and the browser tests are skipped
# with that reason.
set -uo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ci-install-browser: cannot install chromium here (needs root and apt-get); browser tests will be skipped" >&2
  exit 0
fi
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
  echo "ci-install-browser: apt-get could not install chromium; browser tests will be skipped" >&2
fi
exit 0
