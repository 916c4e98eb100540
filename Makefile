.DEFAULT_GOAL := help
VENV := .venv
PYTEST_ARGS ?=
# Test processes: each takes whole modules (their module-scoped projects are installed once).
JOBS ?= 3
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help setup test unit-test integration-test lint bench release-template

help:  ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

setup:  ## Install system packages, the tool (editable, with dev deps) and the validators
	bash .ci/setup.sh

test: setup  ## Run the whole test suite (unit + integration); PYTEST_ARGS="..." narrows it
	$(VENV)/bin/python -m pytest -n $(JOBS) --dist loadfile $(PYTEST_ARGS)

unit-test: setup  ## Run the unit tests only (no project is pip-installed)
	$(VENV)/bin/python -m pytest tests/unit

integration-test: setup  ## Run the integration tests only
	$(VENV)/bin/python -m pytest tests/integration

lint:  ## black and ruff on the tool's own code (the suite's own lint test)
	$(VENV)/bin/python -m pytest -q tests/unit/test_lint.py

bench:  ## Print the benchmarks
	for script in bench/*.py; do $(VENV)/bin/python $$script; done

release-template:  ## Add the current template as release VERSION to the bundled history
	@test -n "$(VERSION)" || { echo "usage: make release-template VERSION=x.y.z"; exit 2; }
	$(VENV)/bin/python -m fastapi_mvc.template_versions $(VERSION)
