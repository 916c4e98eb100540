#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian machine, idempotent and quick when done:
# system packages, the tool with its dev dependencies in .venv, and the artifact validators.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(git make redis-server shellcheck nix-bin wrk python3-venv)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade "pip>=25.1"
.venv/bin/python -m pip install -q -e . --group dev

if [ -f .ci/tools.sh ]; then
  PATH="$PWD/.venv/bin:$PATH" bash .ci/tools.sh
fi
