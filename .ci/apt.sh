#!/usr/bin/env bash
# Installs the Debian packages named as arguments that are not installed yet; quick when all are.
# Used by setup.sh and tools.sh. Waits for the dpkg lock instead of failing when another apt-get
# (unattended-upgrades on a fresh VM, another job on a shared machine) holds it.
set -euo pipefail

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
  # Elsewhere the names differ; the checks of tools.sh and the tests name what is still missing.
  echo "[apt] not a Debian system: install the equivalents of these Debian packages: $*" >&2
  exit 0
fi

missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -gt 0 ] || exit 0

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || {
    echo "[apt] missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
    exit 1
  }
  sudo_cmd=(sudo)
fi
lock_wait=(-o DPkg::Lock::Timeout=600)
echo "[apt] apt-get install ${missing[*]}" >&2
# DPkg::Lock::Timeout covers the dpkg lock only; `update` fails at once on the package lists' lock.
deadline=$((SECONDS + 600))
until output="$("${sudo_cmd[@]}" apt-get "${lock_wait[@]}" update -qq 2>&1)"; do
  if ! grep -q "Could not get lock" <<<"$output" || [ "$SECONDS" -ge "$deadline" ]; then
    echo "$output" >&2
    exit 1
  fi
  sleep 2
done
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get "${lock_wait[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
