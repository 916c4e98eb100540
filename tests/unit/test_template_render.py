"""The project template, rendered without installing: which files appear, and in what shape.

Every rendered Python file must parse, and black and ruff (with the project's own configuration)
must accept the tree, for each combination of the optional features and every license.
"""

from __future__ import annotations

import ast
import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
import yaml
from packaging.licenses import canonicalize_license_expression
from support import assert_file, assert_no_file, new_project

from fastapi_mvc import licenses
from fastapi_mvc.licenses import LICENSES

SKIP_EVERYTHING = ("-R", "-A", "-H", "-G", "-N", "-V", "-C")

# The files of the application itself, whatever the options.
CORE_FILES = [
    "{pkg}/__init__.py",
    "{pkg}/__main__.py",
    "{pkg}/wsgi.py",
    "{pkg}/app/__init__.py",
    "{pkg}/app/asgi.py",
    "{pkg}/app/router.py",
    "{pkg}/app/controllers/__init__.py",
    "{pkg}/app/controllers/ready.py",
    "{pkg}/app/models/__init__.py",
    "{pkg}/app/views/__init__.py",
    "{pkg}/app/views/ready.py",
    "{pkg}/app/views/error.py",
    "{pkg}/app/exceptions/__init__.py",
    "{pkg}/app/exceptions/http.py",
    "{pkg}/app/utils/__init__.py",
    "{pkg}/config/__init__.py",
    "{pkg}/config/application.py",
    "{pkg}/config/gunicorn.py",
    "{pkg}/cli/__init__.py",
    "{pkg}/cli/cli.py",
    "{pkg}/cli/serve.py",
    "{pkg}/cli/settings_errors.py",
    "tests/conftest.py",
    "tests/unit/app/controllers/test_ready.py",
    "tests/unit/app/exceptions/test_http.py",
    "tests/unit/cli/test_serve.py",
    "tests/unit/cli/test_settings_errors.py",
    "tests/unit/config/test_application.py",
    "tests/unit/config/test_gunicorn.py",
    "tests/unit/test_wsgi.py",
    "tests/integration/test_application.py",
    "pyproject.toml",
    "Makefile",
    "README.md",
    "CHANGELOG.md",
    "LICENSE",
    ".gitignore",
]
REDIS_FILES = ["{pkg}/app/utils/redis.py", "tests/unit/app/utils/test_redis.py"]
AIOHTTP_FILES = ["{pkg}/app/utils/aiohttp_client.py", "tests/unit/app/utils/test_aiohttp_client.py"]


def render(parent: Path, name: str, *flags: str) -> Path:
    return new_project(parent, name, "--skip-git", *flags)


def check_formatting(project: Path, *paths: str) -> None:
    """black --check and ruff check, with the project's configuration, must pass."""
    targets = list(paths) or ["."]
    for tool in (["black", "--check", "--quiet"], ["ruff", "check", "--quiet"]):
        result = subprocess.run(
            [sys.executable, "-m", *tool, *targets],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"{tool[0]} failed:\n{result.stdout}{result.stderr}"


def ignored(project: Path, *paths: str) -> set[str]:
    """Which of `paths` git ignores, reading the project's .gitignore."""
    git_dir = project.parent / f".{project.name}.git"
    if not git_dir.exists():
        subprocess.run(["git", "init", "-q", "--bare", str(git_dir)], check=True, timeout=30)
    result = subprocess.run(
        [
            "git",
            f"--git-dir={git_dir}",
            f"--work-tree={project}",
            "check-ignore",
            "--no-index",
            *paths,
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode in (0, 1), result.stderr
    return set(result.stdout.splitlines())


def python_files(project: Path) -> list[Path]:
    return sorted(p for p in project.rglob("*.py") if ".venv" not in p.parts)


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One render per feature combination, shared by the tests of this module."""
    parent = tmp_path_factory.mktemp("renders")
    return {
        "full": render(parent, "shop-api"),
        "bare": render(parent, "bare", *SKIP_EVERYTHING),
        "redis-only": render(parent, "redis_only", "-A"),
        "aiohttp-only": render(parent, "aiohttp-only", "-R"),
    }


def package(project: Path) -> str:
    return project.name.replace("-", "_").lower()


@pytest.mark.parametrize("variant", ["full", "bare", "redis-only", "aiohttp-only"])
def test_files_follow_the_options(renders: dict[str, Path], variant: str) -> None:
    project = renders[variant]
    pkg = package(project)
    redis = variant in ("full", "redis-only")
    aiohttp = variant in ("full", "aiohttp-only")
    for name in CORE_FILES:
        assert_file(project / name.format(pkg=pkg))
    for name in REDIS_FILES:
        (assert_file if redis else assert_no_file)(project / name.format(pkg=pkg))
    for name in AIOHTTP_FILES:
        (assert_file if aiohttp else assert_no_file)(project / name.format(pkg=pkg))
    assert not list(project.rglob("*.jinja")), "a template suffix survived rendering"

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    dependencies = " ".join(pyproject["project"]["dependencies"])
    assert ("redis>=" in dependencies) is redis
    assert ("aiohttp>=" in dependencies) is aiohttp
    assert "uvicorn-worker>=" in dependencies
    assert "uvicorn[standard]>=" in dependencies
    assert pyproject["build-system"]["requires"] == ["poetry-core>=2.0"]
    assert "pytest-cov>=5.0" in pyproject["dependency-groups"]["dev"]
    assert pyproject["project"]["scripts"] == {project.name.replace("_", "-"): f"{pkg}.cli:cli"}
    assert pyproject["tool"]["coverage"]["run"]["branch"] is True
    assert pyproject["tool"]["coverage"]["report"]["fail_under"] == 100
    assert pyproject["tool"]["pytest"]["ini_options"]["filterwarnings"] == [
        "error::DeprecationWarning"
    ]

    makefile = assert_file(project / "Makefile", r"^install:.*## ", r"^test:.*## ")
    assert ("dev-env:" in makefile) is redis
    recipes = [line for line in makefile.splitlines() if line.startswith("\t")]
    assert recipes and not [line for line in recipes if "nix" in line], "no Nix in recipes"
    assert "\n\t" in makefile and not re.search(r"^ +\S", makefile, re.MULTILINE), "tabs only"
    assert_file(project / ".gitignore", r"^\.venv/$")
    generated = [".venv/bin/python", "htmlcov/index.html", "docs/_build/index.html", ".coverage"]
    assert ignored(project, *generated) == set(generated)
    assert ignored(project, "build/image.sh", f"{pkg}/app/asgi.py", "Makefile") == set()
    assert_file(
        project / "README.md", r"^make install$", r"FASTAPI_DEBUG", r"FASTAPI_BIND", "serve"
    )
    assert ("FASTAPI_REDIS_PORT" in (project / "README.md").read_text()) is redis


@pytest.mark.parametrize("variant", ["full", "bare", "redis-only", "aiohttp-only"])
def test_python_parses_and_passes_black_and_ruff(renders: dict[str, Path], variant: str) -> None:
    project = renders[variant]
    for path in python_files(project):
        ast.parse(path.read_text(), filename=str(path))
    check_formatting(project)


@pytest.mark.parametrize("variant", ["full", "bare"])
def test_router_has_the_shape_the_controller_generator_edits(
    renders: dict[str, Path], variant: str
) -> None:
    # With jobs (the full project) the router also serves the primes example's controller.
    project = renders[variant]
    name = package(project)
    router = (project / name / "app/router.py").read_text()
    body = router.split('"""', 2)[2]
    controllers, primes = ("primes, ready", "root_api_router.include_router(primes.router)\n")
    if variant == "bare":
        controllers, primes = ("ready", "")
    assert body == (
        f"\n\nfrom {name}.app.controllers import {controllers}\n"
        f"from {name}.app.routing import ApiRouter\n\n"
        'root_api_router = ApiRouter(prefix="/api")\n\n'
        "root_api_router.include_router(ready.router)\n"
        f"{primes}"
        "# fastapi-mvc: generated controllers are included above this line.\n"
    )
    assert_file(
        project / name / "app/controllers/ready.py",
        r'^router = APIRouter\(tags=\["ready"\]\)$',
        r'^    "/ready",$',
    )


def test_redis_is_wired_only_when_chosen(renders: dict[str, Path]) -> None:
    assert_file(renders["full"] / "shop_api/app/asgi.py", r"create_redis_client", "USE_REDIS")
    assert_file(renders["full"] / "shop_api/app/controllers/ready.py", r"await ping\(redis\)")
    for variant in ("bare", "aiohttp-only"):
        project = renders[variant]
        pkg = package(project)
        assert not (project / pkg / "config/redis.py").exists()
        assert not (project / "tests/unit/config/test_redis.py").exists()
        for path in python_files(project):
            text = path.read_text()
            assert "import redis" not in text and "from redis" not in text, path
            assert "redis_settings" not in text, path
            assert "config.redis" not in text and "REDIS" not in text, path


def test_a_longer_name_stays_black_and_ruff_clean(tmp_path: Path) -> None:
    project = render(tmp_path, "customer-billing-platform-api")
    check_formatting(project, "customer_billing_platform_api", "tests")


@pytest.fixture(scope="module")
def license_renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    parent = tmp_path_factory.mktemp("licenses")
    return {
        license: render(parent, f"lic{index}", "--license", license)
        for index, license in enumerate(LICENSES)
    }


LICENSE_TEXT = {
    "MIT": [r"^MIT License$", r"^Copyright \(c\) \d{4} .+$", r"^Permission is hereby granted"],
    "BSD2": [r"^BSD 2-Clause License$", r"^2\. Redistributions in binary form"],
    "BSD3": [r"^BSD 3-Clause License$", r"^3\. Neither the name of the copyright holder"],
    "ISC": [r"^ISC License$", r"^Permission to use, copy, modify, and/or distribute"],
    "Apache2.0": [r"^\s+Apache License$", r"^\s+Version 2\.0, January 2004$", r"END OF TERMS"],
    "LGPLv3+": [
        r"^SPDX-License-Identifier: LGPL-3\.0-or-later$",
        r"either version 3 of the License, or\n\(at your option\) any later version",
        r"^\s+GNU LESSER GENERAL PUBLIC LICENSE\n\s+Version 3, 29 June 2007$",
        r"^\s+GNU GENERAL PUBLIC LICENSE\n\s+Version 3, 29 June 2007$",
    ],
    "LGPLv3": [
        r"^SPDX-License-Identifier: LGPL-3\.0-only$",
        r"version 3 of the License only",
        r"^\s+GNU LESSER GENERAL PUBLIC LICENSE\n\s+Version 3, 29 June 2007$",
    ],
    "LGPLv2+": [
        r"^SPDX-License-Identifier: LGPL-2\.1-or-later$",
        r"either version 2\.1 of the License, or\n\(at your option\) any later version",
        r"^\s+GNU LESSER GENERAL PUBLIC LICENSE\n\s+Version 2\.1, February 1999$",
    ],
    "LGPLv2": [
        r"^SPDX-License-Identifier: LGPL-2\.1-only$",
        r"version 2\.1 of the License only",
        r"^\s+GNU LESSER GENERAL PUBLIC LICENSE\n\s+Version 2\.1, February 1999$",
    ],
    "no": [r"All rights reserved\.", r"no license is granted"],
}


@pytest.mark.parametrize("license", LICENSES)
def test_license_text_and_metadata(license_renders: dict[str, Path], license: str) -> None:
    project = license_renders[license]
    text = assert_file(project / "LICENSE", *LICENSE_TEXT[license])
    assert text.endswith("\n") and not text.endswith("\n\n"), "LICENSE ends in one newline"
    assert "{{" not in text and "{%" not in text
    others = [r for other, rs in LICENSE_TEXT.items() if other != license for r in rs[:1]]
    for pattern in others:
        if license.startswith("LGPL") and "LESSER" in pattern:
            continue
        assert not re.search(pattern, text, re.MULTILINE), pattern
    metadata = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    if license == "no":
        assert "license" not in metadata
        assert "Private :: Do Not Upload" in metadata["classifiers"]
    else:
        # The tool's table is the source; packaging's parser proves each id is real SPDX.
        assert metadata["license"] == licenses.SPDX[license]
        assert canonicalize_license_expression(metadata["license"]) == metadata["license"]
    readme = (project / "README.md").read_text()
    assert "## License" in readme and "[LICENSE](LICENSE)" in readme


def test_the_license_does_not_change_any_python_file(license_renders: dict[str, Path]) -> None:
    """So black and ruff, checked on the MIT render, hold for every license."""
    reference = license_renders["MIT"]
    check_formatting(reference)
    # Same files, same contents once the package name (lic0, lic1, ...) is put aside.
    normalised = set()
    for project in license_renders.values():
        digest = hashlib.sha256()
        for path in python_files(project):
            relative = path.relative_to(project).as_posix().replace(project.name, "PKG")
            text = path.read_text().replace(project.name, "PKG")
            digest.update(relative.encode() + b"\0" + text.encode())
        normalised.add(digest.hexdigest())
    assert len(normalised) == 1


# -- hardening of the generated project ----------------------------------------------------------


def make(project: Path, *args: str) -> str:
    """`make ARGS` in the project; its output (the command must succeed)."""
    result = subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_env_files_are_ignored_by_git_and_said_not_to_be_read(renders: dict[str, Path]) -> None:
    project = renders["full"]
    assert ignored(project, ".env", ".env.local", ".env.example") == {".env", ".env.local"}
    assert_file(project / "README.md", r"a `\.env` file is not")
    assert_file(project / "docs/usage.rst", r"a ``\.env`` file is not")


@pytest.mark.parametrize("variant", ["full", "bare"])
def test_the_readme_settings_tables_are_whole(renders: dict[str, Path], variant: str) -> None:
    lines = (renders[variant] / "README.md").read_text().splitlines()
    rows = [number for number, line in enumerate(lines) if line.startswith("| `FASTAPI_")]
    assert rows and all(lines[number - 1].startswith("| ") for number in rows)


@pytest.mark.parametrize("variant", ["full", "bare"])
def test_the_docs_are_said_to_be_public_and_how_to_turn_them_off(
    renders: dict[str, Path], variant: str
) -> None:
    project = renders[variant]
    readme = assert_file(project / "README.md", r"\*\*public by default\*\*")
    assert "`FASTAPI_DOCS_URL=` (empty) turns all three off" in readme
    assert ("as the Helm chart's values do" in readme) is (variant == "full")
    assert_file(project / "docs/usage.rst", r"public by default", r"``FASTAPI_DOCS_URL=``")


def test_the_makefile_has_the_original_fastapi_mvc_targets(renders: dict[str, Path]) -> None:
    project = renders["full"]
    listed = {line.split()[0] for line in make(project, "help").splitlines()[3:]}
    assert {"show-version", "build", "typecheck", "mypy", "test", "metrics", "docs"} <= listed
    assert make(project, "show-version") == "0.1.0\n"


@pytest.mark.parametrize("target", ["test", "metrics", "docs", "typecheck", "mypy", "build"])
def test_a_fresh_checkout_installs_first_and_only_then(
    renders: dict[str, Path], tmp_path: Path, target: str
) -> None:
    """`make -n` prints what would run; recursive makes (the install) are dry-run too."""
    project = renders["bare"]
    assert not (project / ".venv").exists()
    fresh = make(project, "-n", target)
    assert fresh.index("-m venv .venv") < fresh.index("touch .venv/.installed")
    assert fresh.splitlines()[-1].startswith(".venv/bin/")
    installed = make(project, "-n", target, "VENV=" + str(tmp_path))
    assert "-m venv" in installed  # tmp_path has no .installed yet
    (tmp_path / ".installed").touch()
    installed = make(project, "-n", target, "VENV=" + str(tmp_path))
    assert "-m venv" not in installed and "pip install" not in installed
    assert installed.splitlines()[-1].startswith(f"{tmp_path}/bin/")


@pytest.mark.parametrize("variant", ["full", "bare", "redis-only", "aiohttp-only"])
def test_mypy_is_configured_strict_with_narrow_exceptions(
    renders: dict[str, Path], variant: str
) -> None:
    project = renders[variant]
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert any(dep.startswith("mypy>=") for dep in pyproject["dependency-groups"]["dev"])
    mypy = pyproject["tool"]["mypy"]
    assert mypy["strict"] is True
    assert mypy["files"] == [package(project), "tests"]
    ignored_imports = [o["module"] for o in mypy["overrides"] if o.get("ignore_missing_imports")]
    database = yaml.safe_load((project / ".fastapi-mvc.yml").read_text())["database"]
    with_database = [["greenlet"]] if database != "none" else []
    assert ignored_imports == [["gunicorn", "gunicorn.*", "uvicorn_worker"], *with_database]
    assert ("untyped_calls_exclude" in mypy) is (variant in ("full", "redis-only"))
    # The real error mypy found: FastAPI's telemetry= takes a TelemetryConfig.
    assert_file(project / package(project) / "app/asgi.py", r"^TELEMETRY_OFF: TelemetryConfig = ")


def test_the_container_command_can_be_replaced_by_the_original_charts_args(
    renders: dict[str, Path],
) -> None:
    dockerfile = (renders["full"] / "Dockerfile").read_text()
    assert '\nENTRYPOINT ["/venv/bin/shop-api"]\nCMD ["serve"]\n' in dockerfile
