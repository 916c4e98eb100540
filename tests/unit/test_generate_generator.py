"""`fastapi-mvc generate generator`: a project generator that runs at once and tests itself."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import (
    REPO_ROOT,
    assert_file,
    assert_no_file,
    new_project,
    run_destroy,
    run_generator,
    tree_checksum,
)


def program(name: str) -> str:
    """An external checker; missing, it fails the test rather than skipping the check."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"{name} is not installed; run `bash .ci/tools.sh`")
    return found


def check(*args: str, cwd: Path) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}\n{done.stderr}"


def test_creates_a_generator_of_the_builtin_shape(project: Path) -> None:
    result = run_generator(project, "generator", "policy")

    assert result.exit_code == 0, result.output
    folder = project / "lib" / "generators" / "policy"
    assert_file(
        folder / "copier.yml",
        r"^_generator:\n  description: A policy in app/policies/, with its unit test\.$",
        r"^    - name: name\n      kind: name$",
        r"^_subdirectory: templates$",
    )
    assert_file(folder / "USAGE", r"^Description:$", r"^Example:$", r"fastapi-mvc generate policy")
    assert_file(
        folder
        / "templates"
        / "{{ package_name }}"
        / "app"
        / "policies"
        / "{{ name.snake }}.py.jinja",
        r"^class \{\{ name\.camel \}\}Policy:$",
    )
    assert_file(
        folder
        / "templates"
        / "tests"
        / "unit"
        / "app"
        / "policies"
        / "test_{{ name.snake }}.py.jinja",
        r"^from \{\{ package_name \}\}\.app\.policies\.\{\{ name\.snake \}\} import",
    )
    assert_file(folder / "tests" / "test_policy.py", r'^PACKAGE = "demo"$')
    assert_file(
        folder / "README.md", r"^# The `policy` generator$", r"https://your\.repo\.url\.here"
    )
    assert_file(folder / "LICENSE", r"^MIT License$")
    assert_file(folder / "shell.nix", r"pkgs\.mkShell")
    assert_file(
        project / ".github" / "workflows" / "policy-generator.yml",
        r"pytest lib/generators/policy",
    )


def test_the_new_generator_runs_at_once(project: Path) -> None:
    run_generator(project, "gen", "ApiClient")

    listing = run_generator(project)
    assert "api_client" in listing.output and "A api client in app/api_clients/" in listing.output
    assert (
        "fastapi-mvc generate api_client billing"
        in run_generator(project, "api_client", "-h").output
    )
    result = run_generator(project, "api_client", "billing")

    assert result.exit_code == 0, result.output
    assert_file(project / "demo" / "app" / "api_clients" / "__init__.py", r'^"""Api clients: ')
    assert_file(
        project / "demo" / "app" / "api_clients" / "billing.py",
        r"^class BillingApiClient:$",
        r'^        return "Billing api client"$',
    )
    assert_file(
        project / "tests" / "unit" / "app" / "api_clients" / "test_billing.py",
        r"^from demo\.app\.api_clients\.billing import BillingApiClient$",
        r'^    assert BillingApiClient\(\)\.describe\(\) == "Billing api client"$',
    )


def test_what_it_writes_is_black_ruff_and_tool_clean(project: Path) -> None:
    run_generator(project, "generator", "policy")
    run_generator(project, "policy", "billing")
    python_files = [
        "lib/generators/policy/tests/test_policy.py",
        "demo/app/policies/__init__.py",
        "demo/app/policies/billing.py",
        "tests/unit/app/policies/test_billing.py",
    ]
    check(sys.executable, "-m", "black", "--check", "--quiet", *python_files, cwd=project)
    check(sys.executable, "-m", "ruff", "check", "--quiet", *python_files, cwd=project)
    check(program("actionlint"), ".github/workflows/policy-generator.yml", cwd=project)
    check(program("nix-instantiate"), "--parse", "lib/generators/policy/shell.nix", cwd=project)


def test_its_own_tests_pass(project: Path) -> None:
    run_generator(project, "generator", "policy")
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO_ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "lib/generators/policy"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in done.stdout


def test_skip_nix_skip_actions_license_and_repo_url(project: Path) -> None:
    result = run_generator(
        project,
        "generator",
        "policy",
        "-N",
        "-G",
        "--license",
        "BSD3",
        "--repo-url",
        "https://example.org/policy",
    )
    assert result.exit_code == 0, result.output
    folder = project / "lib" / "generators" / "policy"
    assert_no_file(folder / "shell.nix")
    assert_no_file(project / ".github" / "workflows" / "policy-generator.yml")
    assert_file(folder / "LICENSE", r"^BSD 3-Clause License$")
    assert_file(folder / "README.md", r"https://example\.org/policy", r"under the BSD3 license")

    run_generator(project, "generator", "report", "--license", "no")
    assert_no_file(project / "lib" / "generators" / "report" / "LICENSE")


def test_repo_url_from_the_environment(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPO_URL", "https://example.org/from-env")
    run_generator(project, "generator", "policy")
    assert_file(project / "lib" / "generators" / "policy" / "README.md", r"example\.org/from-env")


def test_a_project_without_nix_and_workflows_gets_neither(tmp_path: Path) -> None:
    bare = new_project(tmp_path, "bare", "--skip-git", "-N", "-G")
    assert run_generator(bare, "generator", "policy").exit_code == 0
    assert_no_file(bare / "lib" / "generators" / "policy" / "shell.nix")
    assert_no_file(bare / ".github")


def test_destroy_takes_the_generator_back_exactly(project: Path) -> None:
    before = tree_checksum(project)
    run_generator(project, "generator", "policy", "--license", "ISC")
    result = run_destroy(project, "generator", "policy", "--license", "ISC")
    assert result.exit_code == 0, result.output
    assert tree_checksum(project) == before


def test_destroying_what_a_user_generator_made_keeps_shared_packages(project: Path) -> None:
    run_generator(project, "generator", "policy")
    with_generator = tree_checksum(project)
    run_generator(project, "policy", "billing")
    run_generator(project, "policy", "shipping")
    package = project / "demo" / "app" / "policies"
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "billing.cpython-311.pyc").write_bytes(b"\0")

    result = run_destroy(project, "policy", "billing")

    assert result.exit_code == 0, result.output
    assert (
        "keep  demo/app/policies/__init__.py (other modules of its package remain)" in result.output
    )
    assert_no_file(package / "billing.py")
    assert (package / "__init__.py").is_file() and (package / "shipping.py").is_file()

    result = run_destroy(project, "policy", "shipping")

    assert "remove  demo/app/policies/__init__.py" in result.output
    assert_no_file(package)
    assert_no_file(project / "tests" / "unit" / "app" / "policies")
    assert tree_checksum(project) == with_generator


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("controller", "is (or will be) a builtin generator"),
        ("ctl", "is (or will be) a builtin generator"),
        ("model", "is (or will be) a builtin generator"),
        ("view", "which the application already has"),
        ("import", "is a Python keyword"),
        ("lib/x", "path separator"),
    ],
)
def test_invalid_generator_names_are_refused(project: Path, name: str, reason: str) -> None:
    before = tree_checksum(project)
    result = run_generator(project, "generator", name)
    assert result.exit_code == 2, result.output
    assert reason in result.output
    assert tree_checksum(project) == before


def test_an_unknown_license_is_refused(project: Path) -> None:
    before = tree_checksum(project)
    result = run_generator(project, "generator", "policy", "--license", "WTFPL")
    assert result.exit_code == 2
    assert tree_checksum(project) == before


def test_destroy_by_name_alone_reads_the_options_back(project: Path) -> None:
    before = tree_checksum(project)
    run_generator(
        project, "generator", "policy", "--license", "ISC", "--repo-url", "https://e.org/s", "-N"
    )

    result = run_destroy(project, "generator", "policy")

    assert result.exit_code == 0, result.output
    assert "keep" not in result.output
    assert tree_checksum(project) == before
