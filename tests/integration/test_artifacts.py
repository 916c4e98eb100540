"""The production artifacts of a generated project, each checked by the real tool its users run.

A project is rendered with every option on and once with each option off; on each rendering:
helm (lint, template) with the manifests validated against the Kubernetes schemas, hadolint,
actionlint, shellcheck, yamllint, `nix-instantiate --parse`, `sphinx-build -W`, `ruby -c`. The
tool's own Dockerfile and flake.nix are checked too. A missing tool fails the test (support.tool);
`bash .ci/tools.sh` installs them all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import tomllib
import yaml
from support import REPO_ROOT, build_wheel, free_port, new_project, run_ok, sphinx_build, tool

pytestmark = pytest.mark.integration

OPTION_SETS = {
    "all": (),
    "no-redis": ("--skip-redis",),
    "no-aiohttp": ("--skip-aiohttp",),
    "no-helm": ("--skip-helm",),
    "no-actions": ("--skip-actions",),
    "no-codecov": ("--skip-codecov",),
    "no-nix": ("--skip-nix",),
    "no-vagrantfile": ("--skip-vagrantfile",),
    "no-jobs": ("--skip-jobs",),
    # "all" has the default database, SQLite.
    "postgresql": ("--database", "postgresql"),
    "no-database": ("--database", "none"),
}
TEMPLATE = REPO_ROOT / "template" / "project"
# Kubernetes versions the manifests must be valid for: an old supported one and the newest.
KUBERNETES_VERSIONS = ("1.29.0", "1.37.0")
HELM_SETS = {
    "ingress.enabled": "true",
    "autoscaling.enabled": "true",
    "autoscaling.targetMemoryUtilizationPercentage": "75",
}


# --- renderings ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("artifacts")
    return {
        name: new_project(root / name, "demo", "--skip-git", *flags)
        for name, flags in OPTION_SETS.items()
    }


def answers(project: Path) -> dict:
    return yaml.safe_load((project / ".fastapi-mvc.yml").read_text())


def sets_with(feature: str) -> list[str]:
    """The option sets whose rendering has `feature` on."""
    off = {
        "redis": "no-redis",
        "helm": "no-helm",
        "github_actions": "no-actions",
        "nix": "no-nix",
        "vagrantfile": "no-vagrantfile",
        "codecov": "no-codecov",
    }
    return [
        name
        for name in OPTION_SETS
        if name != off[feature] and not (feature == "codecov" and name == "no-actions")
    ]


@pytest.fixture(params=list(OPTION_SETS))
def project(request, projects) -> Path:
    return projects[request.param]


# --- what is rendered for which options ----------------------------------------------------------


def test_files_follow_the_options(project):
    on = answers(project)
    expected = {
        "charts/demo/Chart.yaml": on["helm"],
        "charts/demo/templates/deployment.yaml": on["helm"],
        "manifests/redis-operator.yaml": on["redis"],
        "manifests/redis-failover.yaml": on["redis"],
        "build/dev-env.sh": on["redis"],
        ".github/workflows/main.yml": on["github_actions"],
        ".github/workflows/docs.yml": on["github_actions"],
        ".github/dependabot.yml": on["github_actions"],
        ".github/workflows/integration.yml": on["github_actions"] and on["helm"],
        ".github/workflows/nix.yml": on["github_actions"] and on["nix"],
        "flake.nix": on["nix"],
        "flake.lock": on["nix"],
        "default.nix": on["nix"],
        "shell.nix": on["nix"],
        "image.nix": on["nix"],
        "docs/nix.rst": on["nix"],
        "Vagrantfile": on["vagrantfile"],
        "alembic.ini": on["database"] != "none",
        "migrations/env.py": on["database"] != "none",
        "charts/demo/templates/database.yaml": on["helm"] and on["database"] != "none",
        "charts/demo/templates/worker-deployment.yaml": on["helm"] and on.get("jobs", False),
        "charts/demo/templates/worker-hpa.yaml": on["helm"] and on.get("jobs", False),
        "Dockerfile": True,
        ".dockerignore": True,
        ".yamllint": True,
        "build/image.sh": True,
        "docs/conf.py": True,
        "docs/index.rst": True,
        "docs/deployment.rst": True,
        "docs/api.rst": True,
    }
    present = {path: (project / path).is_file() for path in expected}
    assert present == expected
    for script in (project / "build").glob("*.sh"):
        assert os.access(script, os.X_OK), f"{script} is not executable"
    assert not list(project.rglob("*.jinja"))
    if on["github_actions"]:
        main = (project / ".github/workflows/main.yml").read_text()
        assert ("codecov/codecov-action" in main) == on["codecov"]
        assert "${{ matrix.python-version }}" in main
    index = (project / "docs/index.rst").read_text()
    assert ("   nix\n" in index) == on["nix"]


def test_chart_templates_and_workflows_are_copied_verbatim(projects):
    """Helm templates and workflows are plain files: no Jinja in them, nothing escaped."""
    template_charts = TEMPLATE / "charts" / "{{chart_name}}" / "templates"
    renderings = [
        projects[name] / "charts" / "demo" / "templates" for name in ("all", "no-database")
    ]
    files = sorted(
        p.relative_to(template_charts) for p in template_charts.rglob("*") if p.is_file()
    )
    assert files, "the chart has no templates"
    for relative in files:
        assert relative.suffix != ".jinja", f"chart template {relative} is rendered by Jinja"
        # A template with a condition in its name (one file per database answer) is copied
        # under the name without it, into the projects of that answer.
        name = relative.with_name(re.sub(r"\{%.*?%\}", "", relative.name))
        source = (template_charts / relative).read_bytes()
        assert any(
            (rendered / name).is_file() and (rendered / name).read_bytes() == source
            for rendered in renderings
        ), f"{relative} is not copied verbatim"
    templated = sorted(p.name for p in (TEMPLATE / "charts" / "{{chart_name}}").glob("*.jinja"))
    # values.schema.json is JSON, not a Helm template: it describes `database` only with one.
    assert templated == ["Chart.yaml.jinja", "values.schema.json.jinja", "values.yaml.jinja"]
    for path in (TEMPLATE / ".github").rglob("*"):
        if path.is_file():
            assert "{% raw %}" not in path.read_text(), path


# --- Helm ----------------------------------------------------------------------------------------


def helm(*args: str, cwd: Path, home: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {
        "HOME": str(home),
        "HELM_CACHE_HOME": str(home / "cache"),
        "HELM_CONFIG_HOME": str(home / "config"),
        "HELM_DATA_HOME": str(home / "data"),
    }
    if check:
        return run_ok(tool("helm"), *args, cwd=cwd, env=env)
    return subprocess.run(
        [tool("helm"), *args],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def set_args(values: dict[str, str]) -> list[str]:
    return [arg for key, value in values.items() for arg in ("--set", f"{key}={value}")]


def validate_manifests(text: str, cwd: Path) -> list[dict]:
    """kubernetes-validate --strict on every document, for each supported Kubernetes version."""
    for version in KUBERNETES_VERSIONS:
        result = run_ok(
            tool("kubernetes-validate"), "--strict", "-k", version, "-", cwd=cwd, input=text
        )
        assert "WARN" not in result.stdout + result.stderr, result.stdout + result.stderr
    return [doc for doc in yaml.safe_load_all(text) if doc]


def by_kind(docs: list[dict]) -> dict[str, dict]:
    """The resources by kind; the worker's Deployment and HPA (`rel-demo-worker`) are left to
    `worker`: each kind is otherwise rendered once."""
    return {doc["kind"]: doc for doc in docs if not is_worker(doc)}


def is_worker(doc: dict) -> bool:
    return doc["metadata"]["name"].endswith("-worker")


def worker(docs: list[dict], kind: str) -> dict | None:
    """The background-job workers' resource of `kind`, if the rendering has one."""
    found = [doc for doc in docs if doc["kind"] == kind and is_worker(doc)]
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.fixture(params=sets_with("helm"))
def chart_project(request, projects) -> Path:
    return projects[request.param]


def test_helm_lint_and_template_default_values(chart_project, tmp_path):
    chart = "charts/demo"
    lint = helm("lint", "--strict", chart, cwd=chart_project, home=tmp_path)
    assert "1 chart(s) linted, 0 chart(s) failed" in lint.stdout
    rendered = helm(
        "template", "rel", chart, "--namespace", "web", cwd=chart_project, home=tmp_path
    ).stdout
    docs = validate_manifests(rendered, chart_project)
    kinds = by_kind(docs)
    database = answers(chart_project)["database"] != "none"
    assert set(kinds) == {"ServiceAccount", "ConfigMap", "Service", "Deployment", "Pod"} | (
        {"Secret", "Job"} if database else set()
    )
    assert kinds["Deployment"]["metadata"]["name"] == "rel-demo"

    deployment = kinds["Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert deployment["spec"]["replicas"] >= 2
    assert container["readinessProbe"]["httpGet"] == {"path": "/api/ready", "port": "http"}
    # Liveness must not depend on Redis or the database: a dependency-free endpoint.
    assert container["livenessProbe"]["httpGet"] == {"path": "/api/live", "port": "http"}
    assert container["resources"]["requests"] and container["resources"]["limits"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    security = container["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["capabilities"]["drop"] == ["ALL"]
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
    assert pod["serviceAccountName"] == kinds["ServiceAccount"]["metadata"]["name"]
    assert pod["terminationGracePeriodSeconds"] > 0
    assert "checksum/config" in deployment["spec"]["template"]["metadata"]["annotations"]

    config = kinds["ConfigMap"]
    secrets = [{"secretRef": {"name": "rel-demo-database"}}] if database else []
    assert container["envFrom"] == [
        {"configMapRef": {"name": config["metadata"]["name"]}},
        *secrets,
    ]
    assert config["data"] and all(key.startswith("FASTAPI_") for key in config["data"])
    (port,) = container["ports"]
    assert config["data"]["FASTAPI_BIND"] == f"0.0.0.0:{port['containerPort']}"
    # Production values: no public /docs, /redoc or /openapi.json.
    assert config["data"]["FASTAPI_DOCS_URL"] == ""
    assert kinds["Service"]["spec"]["ports"][0]["targetPort"] == port["name"] == "http"
    assert kinds["Service"]["spec"]["selector"].items() <= pod_labels(deployment).items()
    if answers(chart_project)["redis"]:
        # The Sentinel service the operator makes for manifests/redis-failover.yaml.
        failover = yaml.safe_load((chart_project / "manifests/redis-failover.yaml").read_text())
        assert config["data"]["FASTAPI_REDIS_HOST"] == "rfs-" + failover["metadata"]["name"]
        assert config["data"]["FASTAPI_REDIS_USE_SENTINEL"] == "true"
        assert config["data"]["FASTAPI_USE_REDIS"] == "true"
    else:
        assert not any("REDIS" in key for key in config["data"])

    test_pod = kinds["Pod"]
    assert test_pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    service = kinds["Service"]
    url = f"http://{service['metadata']['name']}:{service['spec']['ports'][0]['port']}/api/ready"
    assert url in test_pod["spec"]["containers"][0]["args"]

    # With background jobs, their workers: a Deployment of their own, from the same image.
    workers = worker(docs, "Deployment")
    assert (workers is not None) == answers(chart_project).get("jobs", False)
    if workers is None:
        return
    assert worker(docs, "HorizontalPodAutoscaler") is None
    assert workers["spec"]["replicas"] >= 1
    worker_pod = workers["spec"]["template"]["spec"]
    (process,) = worker_pod["containers"]
    assert process["image"] == container["image"]
    assert process["args"][0] == "worker"
    # No HTTP server: no readiness probe, and liveness checks the worker processes' heartbeats.
    assert "readinessProbe" not in process
    assert process["livenessProbe"]["exec"]["command"][1:3] == ["-m", "demo.app.jobs.heartbeat"]
    assert process["resources"]["requests"] and process["resources"]["limits"]
    assert process["securityContext"] == security
    assert worker_pod["securityContext"] == pod["securityContext"]
    assert {"name": "tmp", "mountPath": "/tmp"} in process["volumeMounts"]
    assert process["envFrom"] == container["envFrom"]
    grace = int(process["args"][process["args"].index("--grace") + 1])
    assert worker_pod["terminationGracePeriodSeconds"] > grace
    # The Service never sends requests to the workers.
    assert not kinds["Service"]["spec"]["selector"].items() <= pod_labels(workers).items()


def pod_labels(deployment: dict) -> dict:
    return deployment["spec"]["template"]["metadata"]["labels"]


@pytest.mark.parametrize("name", ["all", "postgresql"])
def test_helm_migrates_before_the_release_with_the_url_from_a_secret(projects, name, tmp_path):
    project = projects[name]
    scheme = {"all": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}[name]
    rendered = helm("template", "rel", "charts/demo", cwd=project, home=tmp_path).stdout
    kinds = by_kind(validate_manifests(rendered, project))
    secret, job = kinds["Secret"], kinds["Job"]
    assert secret["stringData"]["FASTAPI_DATABASE_URL"].startswith(f"{scheme}://")
    # Hooks, the Secret first: the release's own resources do not exist before the migrations.
    hooks = [resource["metadata"]["annotations"] for resource in (secret, job)]
    assert [hook["helm.sh/hook"] for hook in hooks] == ["pre-install,pre-upgrade"] * 2
    assert int(hooks[0]["helm.sh/hook-weight"]) < int(hooks[1]["helm.sh/hook-weight"])
    (migrate,) = job["spec"]["template"]["spec"]["containers"]
    assert migrate["args"] == ["db", "migrate"]
    assert migrate["envFrom"] == [{"secretRef": {"name": secret["metadata"]["name"]}}]
    assert (
        migrate["image"]
        == kinds["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"]
    )
    # The Service never sends requests to the migrations' pod.
    selector = kinds["Service"]["spec"]["selector"].items()
    assert not selector <= job["spec"]["template"]["metadata"]["labels"].items()

    own = helm(
        "template",
        "rel",
        "charts/demo",
        "--set",
        "database.existingSecret=db-url",
        cwd=project,
        home=tmp_path,
    ).stdout
    kinds = by_kind(validate_manifests(own, project))
    assert "Secret" not in kinds
    assert {"secretRef": {"name": "db-url"}} in kinds["Job"]["spec"]["template"]["spec"][
        "containers"
    ][0]["envFrom"]
    no_url = helm(
        "template",
        "rel",
        "charts/demo",
        "--set",
        "database.url=",
        cwd=project,
        home=tmp_path,
        check=False,
    )
    assert no_url.returncode != 0
    assert "set database.url or database.existingSecret" in no_url.stderr


def test_helm_ingress_and_autoscaling(chart_project, tmp_path):
    chart = "charts/demo"
    values = {
        **HELM_SETS,
        "ingress.className": "nginx",
        "ingress.tls[0].secretName": "demo-tls",
        "ingress.tls[0].hosts[0]": "demo.local",
    }
    helm("lint", "--strict", chart, *set_args(values), cwd=chart_project, home=tmp_path)
    rendered = helm(
        "template", "rel", chart, *set_args(values), cwd=chart_project, home=tmp_path
    ).stdout
    docs = validate_manifests(rendered, chart_project)
    kinds = by_kind(docs)
    assert {"Ingress", "HorizontalPodAutoscaler"} <= set(kinds)
    assert "replicas" not in kinds["Deployment"]["spec"]  # the autoscaler owns it
    hpa = kinds["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == kinds["Deployment"]["metadata"]["name"]
    assert [m["resource"]["name"] for m in hpa["metrics"]] == ["cpu", "memory"]
    # The workers scale on their own, and only when asked to.
    workers = worker(docs, "Deployment")
    assert worker(docs, "HorizontalPodAutoscaler") is None
    if workers is not None:
        assert workers["spec"]["replicas"] >= 1
        scaled = helm(
            "template",
            "rel",
            chart,
            "--set",
            "worker.autoscaling.enabled=true",
            cwd=chart_project,
            home=tmp_path,
        ).stdout
        docs = validate_manifests(scaled, chart_project)
        assert "replicas" not in worker(docs, "Deployment")["spec"]
        worker_hpa = worker(docs, "HorizontalPodAutoscaler")["spec"]
        assert worker_hpa["scaleTargetRef"]["name"] == workers["metadata"]["name"]
        assert "HorizontalPodAutoscaler" not in by_kind(docs)
    rule = kinds["Ingress"]["spec"]["rules"][0]
    assert (
        rule["http"]["paths"][0]["backend"]["service"]["name"]
        == kinds["Service"]["metadata"]["name"]
    )


def test_helm_values_schema_and_notes(chart_project, tmp_path):
    chart = chart_project / "charts/demo"
    run_ok(
        tool("check-jsonschema"),
        "--schemafile",
        chart / "values.schema.json",
        chart / "values.yaml",
    )
    bad = helm(
        "lint",
        "--strict",
        "charts/demo",
        "--set",
        "replicaCount=many",
        cwd=chart_project,
        home=tmp_path,
        check=False,
    )
    assert bad.returncode != 0 and "replicaCount" in bad.stdout + bad.stderr
    notes = helm(
        "install",
        "rel",
        "charts/demo",
        "--dry-run=client",
        "--namespace",
        "web",
        cwd=chart_project,
        home=tmp_path,
    ).stdout
    assert "helm test rel --namespace web" in notes
    assert "port-forward svc/rel-demo" in notes


# --- Redis manifests -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sets_with("redis"))
def test_redis_manifests(projects, name):
    project = projects[name]
    operator = (project / "manifests/redis-operator.yaml").read_text()
    kinds = by_kind(validate_manifests(operator, project))
    assert set(kinds) == {
        "Namespace",
        "ServiceAccount",
        "ClusterRole",
        "ClusterRoleBinding",
        "Deployment",
    }
    image = kinds["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"]
    assert re.fullmatch(r"quay\.io/spotahome/redis-operator:v\d+\.\d+\.\d+", image)

    failover = yaml.safe_load((project / "manifests/redis-failover.yaml").read_text())
    assert failover["apiVersion"] == "databases.spotahome.com/v1"
    assert failover["kind"] == "RedisFailover"
    spec = failover["spec"]
    assert spec["redis"]["replicas"] >= 3 and spec["sentinel"]["replicas"] >= 3
    # kubernetes-validate has no schema for the operator's resource: check the standard
    # Kubernetes objects inside it against theirs.
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        **spec["redis"]["storage"]["persistentVolumeClaim"],
    }
    requirements = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "resources"},
        "spec": {
            "containers": [
                {"name": role, "image": "redis", "resources": spec[role]["resources"]}
                for role in ("redis", "sentinel")
            ]
        },
    }
    validate_manifests(yaml.safe_dump_all([claim, requirements]), project)

    # build/dev-env.sh installs these manifests, the operator's matching CRD and the chart.
    dev_env = (project / "build/dev-env.sh").read_text()
    for path in re.findall(r"(?<![/\w])manifests/[\w.-]+\.yaml", dev_env):
        assert (project / path).is_file(), path
    version = re.search(r'REDIS_OPERATOR_VERSION="(v[\d.]+)"', dev_env).group(1)
    assert image.endswith(":" + version)
    assert ("helm upgrade --install" in dev_env) == answers(project)["helm"]


# --- Dockerfile ----------------------------------------------------------------------------------


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions, current = [], ""
    for line in path.read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        keyword, _, rest = current.strip().partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        current = ""
    return instructions


def stages(instructions: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for keyword, rest in instructions:
        if keyword == "FROM":
            result.append([])
        result[-1].append((keyword, rest))
    return result


def dockerignore_context(root: Path) -> list[Path]:
    """The files `docker build` sends: .dockerignore's patterns, the last match deciding."""
    rules = []
    for line in (root / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = "".join(
            (
                ".*"
                if part == "**"
                else (
                    "[^/]*"
                    if part == "*"
                    else (
                        "[^/]" if part == "?" else part if part.startswith("[") else re.escape(part)
                    )
                )
            )
            for part in re.split(r"(\*\*|\*|\?|\[[^\]]*\])", pattern)
        )
        rules.append((re.compile(regex.replace(".*/", "(.*/)?") + "$"), negate))

    def excluded(relative: str) -> bool:
        parts = relative.split("/")
        candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        verdict = False
        for regex, negate in rules:
            if any(regex.match(candidate) for candidate in candidates):
                verdict = not negate
        return verdict

    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and ".git" not in path.relative_to(root).parts
        and not excluded(path.relative_to(root).as_posix())
    )


def copy_context(root: Path, destination: Path) -> Path:
    for path in dockerignore_context(root):
        target = destination / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return destination


def test_dockerfile_passes_hadolint(project):
    dockerfile = project / "Dockerfile"
    assert "hadolint ignore" not in dockerfile.read_text()
    run_ok(tool("hadolint"), dockerfile, cwd=project)


def test_dockerfile_is_multi_stage_distroless_non_root(project):
    build, final = stages(dockerfile_instructions(project / "Dockerfile"))
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    for stage in (build, final):
        assert re.fullmatch(r"\S+@sha256:[0-9a-f]{64}( AS \w+)?", stage[0][1]), stage[0]
    assert final[0][1].startswith("gcr.io/distroless/python3-debian12")
    final_keywords = dict(final)
    # Only the virtual environment comes in, from the build stage, and with a database the
    # migrations that `demo db migrate` (the chart's migrations Job) runs.
    migrations = ["alembic.ini ./", "migrations/ migrations/"]
    assert [rest for keyword, rest in final if keyword == "COPY"] == [
        "--from=build /venv /venv",
        *(migrations if answers(project)["database"] != "none" else []),
    ]
    assert not any(keyword == "RUN" for keyword, _ in final)
    user = final_keywords["USER"]
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user), user
    entrypoint = json.loads(final_keywords["ENTRYPOINT"])  # exec form: the server is PID 1
    (script,) = pyproject["project"]["scripts"]
    assert entrypoint == [f"/venv/bin/{script}"]
    # The command alone is replaced by `docker run IMAGE serve ...` or a pod's `args:`.
    assert json.loads(final_keywords["CMD"]) == ["serve"]
    assert final_keywords["STOPSIGNAL"] == "SIGTERM"
    assert "FASTAPI_BIND=0.0.0.0:8000" in final_keywords["ENV"]
    assert final_keywords["EXPOSE"] == "8000"
    # Dependency layer first: pyproject.toml alone, installed, then the package.
    steps = [f"{keyword} {rest}" for keyword, rest in build]
    first_copy = next(i for i, step in enumerate(steps) if step.startswith("COPY"))
    assert steps[first_copy] == "COPY pyproject.toml ./"
    install_deps = next(i for i, s in enumerate(steps) if "pip install" in s and " -r " in s)
    copy_package = steps.index("COPY demo/ demo/")
    assert first_copy < install_deps < copy_package


def test_dockerfile_dependency_step_and_context(project, tmp_path):
    """The Dockerfile's commands, run on exactly the files the build context holds."""
    build, final = stages(dockerfile_instructions(project / "Dockerfile"))
    context = copy_context(project, tmp_path / "context")
    names = sorted(p.relative_to(context).parts[0] for p in context.rglob("*") if p.is_file())
    database = answers(project)["database"] != "none"
    assert set(names) == {"LICENSE", "README.md", "pyproject.toml", "demo"} | (
        {"alembic.ini", "migrations"} if database else set()
    )
    assert not list(context.rglob("__pycache__"))
    for keyword, rest in build + final:
        if keyword == "COPY" and not rest.startswith("--from="):
            for source in rest.split()[:-1]:
                assert list(context.glob(source.rstrip("/"))), f"COPY {source}: not in context"
    # The one-liner that lists the dependencies for the cached layer.
    (command,) = [rest for keyword, rest in build if keyword == "RUN" and "tomllib" in rest]
    snippet = re.search(r"python -c '([^']+)'", command).group(1)
    listed = run_ok(sys.executable, "-c", snippet, cwd=context).stdout.split()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert listed == pyproject["project"]["dependencies"]


def test_image_is_built_from_the_context_alone(projects, tmp_path):
    """`pip install --no-deps .` of the build stage works on the build context: build the wheel."""
    context = copy_context(projects["all"], tmp_path / "context")
    names, entry_points = build_wheel(context, tmp_path / "dist")
    assert "demo=demo.cli:cli" in entry_points.replace(" ", "")
    assert "demo/app/asgi.py" in names and "demo/wsgi.py" in names
    assert not any(name.startswith("tests/") for name in names)


def test_image_entrypoint_serves_and_stops_gracefully_on_sigterm(installed_project, tmp_path):
    """The image's ENTRYPOINT and ENV, run from the installed project: the process started is
    the gunicorn master itself (PID 1 in the container), and SIGTERM stops it cleanly."""
    final = stages(dockerfile_instructions(installed_project / "Dockerfile"))[-1]
    keywords = dict(final)
    entrypoint = json.loads(keywords["ENTRYPOINT"])
    program = installed_project / ".venv" / entrypoint[0].removeprefix("/venv/")
    env = dict(re.findall(r"(\w+)=(\S+)", keywords["ENV"]))
    env.pop("PATH")
    port = free_port()
    env.update(
        FASTAPI_BIND=f"127.0.0.1:{port}",
        FASTAPI_USE_REDIS="false",
        FASTAPI_WORKERS="2",
        FASTAPI_GRACEFUL_TIMEOUT="10",
    )
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [str(program), *entrypoint[1:], *json.loads(keywords["CMD"])],
        cwd=tmp_path,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ready", timeout=2) as r:
                    assert r.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, (tmp_path / "server.log").read_text()
                assert time.monotonic() < deadline, "the server did not become ready"
                time.sleep(0.2)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
        while len(workers := children.read_text().split()) < 2:
            assert time.monotonic() < deadline, "the process started is not the gunicorn master"
            time.sleep(0.2)
        assert len(workers) == 2, workers
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=20) == 0, (tmp_path / "server.log").read_text()
        for pid in workers:
            assert (
                not Path(f"/proc/{pid}").exists()
                or Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
            )
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
        log.close()
    assert "Shutting down: Master" in (tmp_path / "server.log").read_text()


# --- scripts, workflows, YAML --------------------------------------------------------------------


def test_shell_scripts_pass_shellcheck(project):
    scripts = sorted(p for p in project.rglob("*.sh") if ".venv" not in p.parts)
    assert project / "build/image.sh" in scripts
    run_ok(tool("shellcheck"), "--external-sources", *scripts, cwd=project)
    for script in scripts:
        run_ok("bash", "-n", script)


@pytest.mark.parametrize("name", sets_with("github_actions"))
def test_workflows_pass_actionlint(projects, name):
    project = projects[name]
    workflows = sorted((project / ".github/workflows").glob("*.yml"))
    assert len(workflows) >= 2
    # actionlint also runs shellcheck on every `run:` script when shellcheck is on PATH.
    path = f"{Path(tool('shellcheck')).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    run_ok(
        tool("actionlint"),
        "-shellcheck",
        tool("shellcheck"),
        *workflows,
        cwd=project,
        env={"PATH": path},
    )
    run_ok(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflows)
    run_ok(
        tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.dependabot",
        project / ".github/dependabot.yml",
    )


def test_yaml_passes_yamllint(project):
    listed = run_ok(tool("yamllint"), "--list-files", "-c", ".yamllint", ".", cwd=project)
    files = {Path(line).as_posix().removeprefix("./") for line in listed.stdout.split()}
    on = answers(project)
    assert ".fastapi-mvc.yml" in files
    assert ("charts/demo/values.yaml" in files) == on["helm"]
    assert ("charts/demo/Chart.yaml" in files) == on["helm"]
    assert ("manifests/redis-operator.yaml" in files) == on["redis"]
    assert (".github/workflows/main.yml" in files) == on["github_actions"]
    assert not any("/templates/" in f for f in files), "Helm templates are not YAML"
    run_ok(tool("yamllint"), "--strict", "-c", ".yamllint", ".", cwd=project)


# --- Nix -----------------------------------------------------------------------------------------


def nix_eval(expression: str, cwd: Path) -> object:
    result = run_ok(
        tool("nix-instantiate"),
        "--eval",
        "--strict",
        "--json",
        "-E",
        expression,
        cwd=cwd,
        env={"NIX_PATH": "", "HOME": str(cwd)},
    )
    return json.loads(result.stdout)


def check_flake(root: Path) -> None:
    """flake.nix parses, has the inputs flake.lock locks, and flake.lock pins each of them."""
    inputs = nix_eval("builtins.attrNames (import ./flake.nix).inputs", root)
    lock = json.loads((root / "flake.lock").read_text())
    assert lock["version"] == 7
    assert sorted(lock["nodes"]["root"]["inputs"]) == sorted(inputs)
    flake = (root / "flake.nix").read_text()
    for name in inputs:
        node = lock["nodes"][lock["nodes"]["root"]["inputs"][name]]
        locked, original = node["locked"], node["original"]
        assert re.fullmatch(r"[0-9a-f]{40}", locked["rev"])
        assert re.fullmatch(r"sha256-[A-Za-z0-9+/]{43}=", locked["narHash"])
        url = f"github:{original['owner']}/{original['repo']}/{original['ref']}"
        assert f'{name}.url = "{url}"' in flake


@pytest.mark.parametrize("name", sets_with("nix"))
def test_nix_expressions_parse(projects, name):
    project = projects[name]
    files = sorted(project.glob("*.nix"))
    assert {f.name for f in files} >= {"flake.nix", "default.nix", "shell.nix", "image.nix"}
    for path in files:
        run_ok(tool("nix-instantiate"), "--parse", path, cwd=project, env={"HOME": str(project)})
        # Every file a Nix expression names exists (or is explicitly allowed to be missing).
        for reference in re.findall(r"(?<![\w.])\./[\w.-]+", path.read_text()):
            text = path.read_text()
            if f"maybeMissing {reference}" not in text:
                assert (project / reference).exists(), f"{path.name} names missing {reference}"
    check_flake(project)


def test_nix_reads_the_dependencies_of_pyproject(projects):
    """pyproject.nix maps every dependency of pyproject.toml (and the extras, and the dev group)
    to a nixpkgs Python package: evaluated against a stand-in package set of exactly the names
    pip would install."""
    project = projects["all"]
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())

    def parse(requirement: str) -> tuple[str, list[str]]:
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?", requirement)
        name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
        extras = [e.strip() for e in (match.group(2) or "").split(",") if e.strip()]
        return name, extras

    runtime = [parse(r) for r in pyproject["project"]["dependencies"]]
    dev = [parse(r) for r in pyproject["dependency-groups"]["dev"] if isinstance(r, str)]
    names = {name for name, _ in runtime + dev}
    extras = {
        name: sorted({e for n, es in runtime + dev if n == name for e in es}) for name in names
    }
    stand_in = " ".join(
        f'"{name}" = {{ n = "{name}"; optional-dependencies = {{ '
        + " ".join(f'"{e}" = [ {{ n = "{name}[{e}]"; }} ];' for e in extras[name])
        + " }; };"
        for name in sorted(names)
    )
    result = nix_eval(
        f"let r = import ./pyproject.nix {{ python3Packages = {{ {stand_in} }}; }}; in "
        "{ deps = map (p: p.n) r.dependencies; dev = map (p: p.n) r.devDependencies; "
        "inherit (r) pname version mainProgram homepage; }",
        project,
    )
    expected_runtime = [x for name, es in runtime for x in [name, *(f"{name}[{e}]" for e in es)]]
    assert result["deps"] == expected_runtime
    assert result["dev"] == [x for name, es in dev for x in [name, *(f"{name}[{e}]" for e in es)]]
    assert any("[" in dep for dep in result["deps"]), "no extra was exercised"
    assert result["pname"] == pyproject["project"]["name"]
    assert result["version"] == pyproject["project"]["version"]
    assert [result["mainProgram"]] == list(pyproject["project"]["scripts"])
    assert result["homepage"] == pyproject["project"]["urls"]["Repository"]
    # An unknown dependency fails the evaluation with a message that says what to do.
    failed = subprocess.run(
        [
            tool("nix-instantiate"),
            "--eval",
            "--strict",
            "-E",
            "(import ./pyproject.nix { python3Packages = { }; }).dependencies",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NIX_PATH": ""},
    )
    assert failed.returncode != 0 and "map it in `renamed`" in failed.stderr


# --- docs and the Vagrantfile --------------------------------------------------------------------


def test_make_docs_builds_with_warnings_as_errors(installed_project, tmp_path):
    dry_run = run_ok("make", "--no-print-directory", "-n", "docs", cwd=installed_project).stdout
    assert "sphinx-build -W" in dry_run
    # The Makefile's command, with the output in tmp_path (the shared project stays as it was).
    command = dry_run.strip().replace("docs/_build", str(tmp_path / "html"))
    run_ok("bash", "-c", command, cwd=installed_project, timeout=300)
    api = (tmp_path / "html" / "api.html").read_text()
    assert "get_application" in api and "ApplicationLoader" in api
    assert (tmp_path / "html" / "deployment.html").is_file()
    assert (tmp_path / "html" / "nix.html").is_file()


def test_docs_build_for_each_option_set(project, installed_project, tmp_path):
    """sphinx-build -W on each rendering, with the installed default project's environment (its
    conf.py imports the rendering's own package first)."""
    sphinx_build(installed_project, project, "html", tmp_path / "html")
    on = answers(project)
    assert (tmp_path / "html" / "nix.html").is_file() == on["nix"]
    api = (tmp_path / "html" / "api.html").read_text()
    assert ("demo.app.utils.redis" in api) == on["redis"]
    assert ("demo.app.utils.aiohttp_client" in api) == on["aiohttp"]
    assert ("demo.app.database" in api) == (on["database"] != "none")


@pytest.mark.parametrize("name", sets_with("vagrantfile"))
def test_vagrantfile_is_valid_ruby(projects, name):
    result = run_ok(tool("ruby"), "-c", projects[name] / "Vagrantfile")
    assert "Syntax OK" in result.stdout


# --- the tool's own Dockerfile and flake ---------------------------------------------------------


def test_tool_dockerfile_passes_hadolint_with_explained_ignores():
    dockerfile = REPO_ROOT / "Dockerfile"
    run_ok(tool("hadolint"), dockerfile, cwd=REPO_ROOT)
    lines = dockerfile.read_text().splitlines()
    for number, line in enumerate(lines):
        for rule in re.findall(r"hadolint ignore=([\w,]+)", line):
            comment = []
            for previous in reversed(lines[:number]):
                if not previous.startswith("#"):
                    break
                comment.append(previous)
            for code in rule.split(","):
                assert any(code in c for c in comment), f"{code} is ignored without a reason"
    build, final = stages(dockerfile_instructions(dockerfile))
    for stage in (build, final):
        assert re.fullmatch(r"\S+@sha256:[0-9a-f]{64}( AS \w+)?", stage[0][1])
    keywords = dict(final)
    assert json.loads(keywords["ENTRYPOINT"]) == ["fastapi-mvc"]
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", keywords["USER"])


def test_tool_image_context_builds_the_wheel(tmp_path):
    """The build context .dockerignore lets through is enough to build the tool's wheel, with the
    template and generators inside the package."""
    build = stages(dockerfile_instructions(REPO_ROOT / "Dockerfile"))[0]
    context = copy_context(REPO_ROOT, tmp_path / "context")
    top = {p.relative_to(context).parts[0] for p in context.rglob("*") if p.is_file()}
    assert top == {"pyproject.toml", "README.md", "fastapi_mvc", "template", "generators"}
    for keyword, rest in build:
        if keyword == "COPY":
            for source in rest.split()[:-1]:
                assert (context / source).exists(), f"COPY {source}: not in the context"
    names, entry_points = build_wheel(context, tmp_path / "dist")
    assert "fastapi_mvc/template/copier.yml" in names
    assert "fastapi_mvc/template/project/Dockerfile.jinja" in names
    assert not any(name.startswith(("template/", "generators/")) for name in names)
    assert "fastapi-mvc=fastapi_mvc.cli:main" in entry_points.replace(" ", "")


def test_ci_scripts_pass_shellcheck():
    scripts = sorted((REPO_ROOT / ".ci").glob("*.sh"))
    assert REPO_ROOT / ".ci" / "tools.sh" in scripts
    run_ok(tool("shellcheck"), *scripts, cwd=REPO_ROOT)


def test_tool_flake():
    run_ok(
        tool("nix-instantiate"), "--parse", REPO_ROOT / "flake.nix", env={"HOME": str(REPO_ROOT)}
    )
    check_flake(REPO_ROOT)
    flake = (REPO_ROOT / "flake.nix").read_text()
    for output in ("packages", "devShells", "apps"):
        assert re.search(rf"^\s+{output} = forAllSystems", flake, re.MULTILINE), output


# --- the flakes' wiring, evaluated against a stand-in nixpkgs ------------------------------------

# flake evaluation needs nixpkgs from the network; this stand-in has the few functions the
# expressions call and a package (a name and a store path) for every `pkgs.NAME` they mention, so
# that the outputs evaluate here: every file imported exists, every argument passed is accepted,
# every attribute used is defined.
STUB_NIXPKGS = """
let
  lib = {
    genAttrs = names: f: builtins.listToAttrs (map (n: { name = n; value = f n; }) names);
    optionalAttrs = cond: set: if cond then set else { };
    getExe = drv: "${drv}/bin/${drv.meta.mainProgram}";
    makeBinPath = drvs: builtins.concatStringsSep ":" (map (d: "${d}/bin") drvs);
    toLower = builtins.replaceStrings
      (builtins.genList (i: builtins.substring i 1 "ABCDEFGHIJKLMNOPQRSTUVWXYZ") 26)
      (builtins.genList (i: builtins.substring i 1 "abcdefghijklmnopqrstuvwxyz") 26);
    licenses.mit = "MIT";
    fileset = {
      toSource = { root, fileset }: assert builtins.isList fileset; "${root}";
      unions = files: map (f: assert builtins.isPath f; f) files;
      maybeMissing = path: path;
    };
  };
  package = name: { inherit name; outPath = "/nix/store/0000-${name}"; meta = { }; };
  named = names: builtins.listToAttrs (map (n: { name = n; value = package n; }) names);
  pythonPackages = named PYTHON_NAMES // {
    uvicorn = package "uvicorn" // { optional-dependencies.standard = [ (package "uvloop") ]; };
    buildPythonApplication = args:
      assert args.pyproject && builtins.isList args.dependencies && args.build-system != [ ];
      package args.pname // { inherit (args) version meta; passthru = args; };
  };
  pkgsFor = system: named PKGS_NAMES // {
    inherit lib;
    stdenv = {
      isLinux = builtins.match ".*-linux" system != null;
      hostPlatform = { inherit system; };
    };
    python3 = package "python3" // {
      pkgs = pythonPackages;
      withPackages = f: package "python3-env" // { packages = f pythonPackages; };
    };
    mkShell = args: package "shell" // { inherit args; };
    dockerTools.buildLayeredImage = args: package "image" // { inherit args; };
  };
  nixpkgs = {
    inherit lib;
    legacyPackages = lib.genAttrs
      [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ] pkgsFor;
  };
  outputs = (import ./flake.nix).outputs { self = outputs; inherit nixpkgs; };
in
"""


def stub_eval(root: Path, body: str) -> object:
    sources = " ".join(p.read_text() for p in root.glob("*.nix"))
    pkgs_names = sorted(
        set(re.findall(r"\bpkgs\.([A-Za-z][\w-]*)", sources))
        - {"lib", "stdenv", "python3", "mkShell", "dockerTools"}
    )
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    requirements = pyproject["project"]["dependencies"] + [
        r for r in pyproject.get("dependency-groups", {}).get("dev", []) if isinstance(r, str)
    ]
    python_names = sorted(
        {
            re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", r).group()).lower()
            for r in requirements
        }
        | {"poetry-core"}
    )
    quoted = {
        key: "[ " + " ".join(f'"{n}"' for n in names) + " ]"
        for key, names in (("PKGS_NAMES", pkgs_names), ("PYTHON_NAMES", python_names))
    }
    expression = (
        STUB_NIXPKGS.replace("PKGS_NAMES", quoted["PKGS_NAMES"]).replace(
            "PYTHON_NAMES", quoted["PYTHON_NAMES"]
        )
        + body
    )
    return nix_eval(expression, root)


@pytest.mark.parametrize("name", sets_with("nix"))
def test_flake_outputs_evaluate(projects, name):
    project = projects[name]
    result = stub_eval(
        project,
        """{
      packages = builtins.attrNames outputs.packages.x86_64-linux;
      darwin = builtins.attrNames outputs.packages.aarch64-darwin;
      mainProgram = outputs.packages.x86_64-linux.default.meta.mainProgram;
      source = outputs.packages.x86_64-linux.default.passthru.src;
      imports = outputs.packages.x86_64-linux.default.passthru.pythonImportsCheck;
      app = outputs.apps.x86_64-linux.default.program;
      image = outputs.packages.x86_64-linux.image.args.config;
      imageName = outputs.packages.x86_64-linux.image.args.name;
      shell = map (p: p.name) outputs.devShells.x86_64-linux.default.args.packages;
      python = map (p: p.name)
        (builtins.head outputs.devShells.x86_64-linux.default.args.packages).packages;
      check = outputs.checks.x86_64-linux.package.name;
      overlay = (outputs.overlays.default (nixpkgs.legacyPackages.x86_64-linux) { }).demo.name;
    }""",
    )
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    (script,) = pyproject["scripts"]
    assert result["packages"] == ["default", "demo", "image"]
    assert result["darwin"] == ["default", "demo"]  # dockerTools images are Linux only
    assert result["mainProgram"] == script
    assert result["imports"] == ["demo"]
    assert result["app"] == f"/nix/store/0000-demo/bin/{script}"
    assert result["check"] == result["overlay"] == "demo"
    config = result["image"]
    assert config["Entrypoint"] == [f"/nix/store/0000-demo/bin/{script}"]
    assert config["Cmd"] == ["serve"]
    assert config["User"] == "65532:65532"
    assert "FASTAPI_BIND=0.0.0.0:8000" in config["Env"]
    assert result["imageName"] == answers(project)["container_image_name"]
    assert {"gnumake", "git", "python3-env"} <= set(result["shell"])
    assert ("kubernetes-helm" in result["shell"]) == answers(project)["helm"]
    assert {"pytest", "sphinx", "fastapi", "uvicorn", "uvloop"} <= set(result["python"])


def test_tool_flake_outputs_evaluate():
    result = stub_eval(
        REPO_ROOT,
        """{
      packages = builtins.attrNames outputs.packages.x86_64-linux;
      package = outputs.packages.x86_64-linux.default.passthru;
      app = outputs.apps.aarch64-darwin.default.program;
      shell = map (p: p.name) outputs.devShells.x86_64-linux.default.args.packages;
    }""",
    )
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert result["packages"] == ["default", "fastapi-mvc"]
    package = result["package"]
    assert package["pname"] == "fastapi-mvc" and package["version"] == pyproject["version"]
    # (a package is printed as its store path)
    assert package["dependencies"] == [
        "/nix/store/0000-" + re.match(r"[\w.-]+", r).group().lower()
        for r in pyproject["dependencies"]
    ]
    assert "/nix/store/0000-git/bin" in package["makeWrapperArgs"][-1]
    assert result["app"] == "/nix/store/0000-fastapi-mvc/bin/fastapi-mvc"
    assert {"git", "gnumake", "shellcheck", "kubernetes-helm"} <= set(result["shell"])
