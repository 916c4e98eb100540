#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian machine, idempotent and quick when done:
# system packages, the tool with its dev dependencies in .venv, and the artifact validators.
#
#   bash .ci/setup.sh            all of it (apt-get through sudo when not root and a package is missing)
#   bash .ci/setup.sh --system   only the Debian packages (the part that needs root; .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

# git, make, venv: the tool and `new`; redis-server, postgresql, wrk: real servers and loads the
# integration tests start; nodejs: generated TypeScript clients.
bash .ci/apt.sh git make python3-venv redis-server postgresql wrk nodejs
if [ "${1:-}" = "--system" ]; then
  exec bash .ci/tools.sh --system
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# The install is editable: only a change of pyproject.toml (dependencies, entry points) needs it again.
installed=.venv/.installed-pyproject.toml
if ! cmp -s pyproject.toml "$installed"; then
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade "pip>=25.1"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e . --group dev
  cp pyproject.toml "$installed"
fi

PATH="$PWD/.venv/bin:$PATH" bash .ci/tools.sh
