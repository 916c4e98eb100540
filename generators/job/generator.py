"""The job generator's steps: refuse what cannot be a job, type its arguments, lay out its code.

A job's arguments travel through the broker as JSON, so only JSON types are accepted. Retries
make the job retryable both ways taskiq knows: run again when it raises (`retry_on_error`,
`max_retries`, which counts the first run too) and delivered again when its worker dies mid-job
(acknowledged only once its result is saved).
"""

from __future__ import annotations

import ast
import builtins
import math
import re
from pathlib import Path

from fastapi_mvc.errors import UsageError
from fastapi_mvc.generating.invocation import Invocation
from fastapi_mvc.naming import Name, validate
from fastapi_mvc.project import Project
from fastapi_mvc.pysource import call, import_lines

# Longer names would push generated lines past the project's line length of 100.
MAX_LENGTH = 30
# The modules the template's app/jobs/ has: a job of the same name would replace one.
SHIPPED = frozenset({"broker", "waiting", "primes"})
SCALARS = {
    "str": "str",
    "string": "str",
    "int": "int",
    "integer": "int",
    "float": "float",
    "bool": "bool",
    "boolean": "bool",
}
SAMPLES = {"str": '"text"', "int": "1", "float": "1.5", "bool": "True"}
_CONTAINER = re.compile(r"^(list)\[(\w+)\]$|^(dict)\[str,\s*(\w+)\]$")
TYPES_HELP = "str, int, float, bool, list[T] or dict[str, T] with T one of the first four"
# taskiq gives a job's `context` parameter itself; a builtin's name fails the project's ruff A.
RESERVED_ARGUMENTS = frozenset({"context"} | {n for n in dir(builtins) if not n.startswith("_")})


def prepare(invocation: Invocation) -> None:
    project = invocation.project
    assert project is not None
    _require_jobs(project)
    name = invocation.name
    if name.snake in SHIPPED or len(name.snake) > MAX_LENGTH:
        raise UsageError(
            f"invalid job name {name.raw!r}: "
            + (
                f"{name.snake!r} would collide with the module app/jobs/{name.snake}.py"
                if name.snake in SHIPPED
                else f"longer than {MAX_LENGTH} characters"
            ),
            "choose another name",
        )
    given = invocation.arguments["arguments"]
    retries_given, timeout_given = invocation.options["retries"], invocation.options["timeout"]
    if invocation.destroying and not given and retries_given is timeout_given is None:
        module = project.package_dir / "app" / "jobs" / f"{name.snake}.py"
        given, retries_given, timeout_given = read_job(module, name.snake)
    arguments = [parse_argument(raw) for raw in given]
    names = [argument for argument, _ in arguments]
    twice = next((n for n in names if names.count(n) > 1), None)
    if twice:
        raise UsageError(f"argument {twice!r} is given twice", "give each argument once")
    retries = _count(retries_given, "--retries")
    timeout = _seconds(timeout_given)
    invocation.data["job"] = job_code(project.package_name, name, arguments, retries, timeout)


def _require_jobs(project: Project) -> None:
    if not project.answers.get("jobs", False):
        raise UsageError(
            f"{project.root.name} has no background jobs (its answers say jobs: false or "
            "nothing), so it cannot have a job",
            "add them with `fastapi-mvc update --enable jobs`",
        )


def parse_argument(raw: str) -> tuple[str, str]:
    """`title`, `count:int`, `tags:list[str]` -> (name, Python type); JSON types only."""
    given, _, kind = raw.partition(":")
    if given in RESERVED_ARGUMENTS:
        raise UsageError(
            f"invalid argument name {given!r}: "
            + ("taskiq fills in a job's context" if given == "context" else "a Python builtin"),
            "choose another name",
        )
    name = validate(given, "argument")
    if name.snake != given:
        raise UsageError(
            f"invalid argument name {given!r}: it is a parameter name, written in snake_case",
            f"write it as {name.snake!r}",
        )
    kind = kind.strip() or "str"
    if kind in SCALARS:
        return name.snake, SCALARS[kind]
    container = _CONTAINER.match(kind)
    if container:
        outer = container.group(1) or container.group(3)
        inner = container.group(2) or container.group(4)
        if inner in SCALARS:
            item = SCALARS[inner]
            return name.snake, f"list[{item}]" if outer == "list" else f"dict[str, {item}]"
    raise UsageError(
        f"argument {raw!r}: {kind!r} is not a JSON type, and job arguments travel as JSON",
        f"use {TYPES_HELP}",
    )


def read_job(module: Path, function: str) -> tuple[list[str], str | None, str | None]:
    """The command line a job module was generated with: `ARG:TYPE`s, --retries, --timeout
    (nothing when the module is missing or does not parse: destroy then keeps it)."""
    try:
        tree = ast.parse(module.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return [], None, None
    for node in tree.body:
        if isinstance(node, ast.AsyncFunctionDef) and node.name == function:
            arguments = [
                f"{argument.arg}:{ast.unparse(argument.annotation)}"
                for argument in node.args.args
                if argument.annotation is not None
            ]
            labels = {
                keyword.arg: ast.unparse(keyword.value)
                for decorator in node.decorator_list
                if isinstance(decorator, ast.Call)
                for keyword in decorator.keywords
            }
            runs = labels.get("max_retries")
            retries = str(max(int(runs) - 1, 0)) if runs is not None and runs.isdigit() else runs
            return arguments, retries, labels.get("timeout")
    return [], None, None


def _count(raw: str | None, flag: str) -> int:
    if raw is None:
        return 0
    if not raw.isdigit():
        raise UsageError(f"{flag} {raw!r} is not a whole number", f"give {flag} 0 or more")
    return int(raw)


def _seconds(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise UsageError(f"--timeout {raw!r} is not a number of seconds", "give --timeout S > 0")
    return seconds


def _sample(kind: str) -> str:
    if kind.startswith("list["):
        return "[]"
    if kind.startswith("dict["):
        return "{}"
    return SAMPLES[kind]


def job_code(
    package: str,
    name: Name,
    arguments: list[tuple[str, str]],
    retries: int,
    timeout: float | None,
) -> dict[str, list[str]]:
    """The lines of the job module and of its test that depend on the command line."""
    labels = []
    if timeout is not None:
        labels.append(f"timeout={timeout:g}")
    comment = []
    if retries:
        # taskiq's max_retries counts every run (SimpleRetryMiddleware: `retries < max_retries`).
        labels += ["retry_on_error=True", f"max_retries={retries + 1}", 'ack_type="when_saved"']
        again = "1 more time" if retries == 1 else f"{retries} more times"
        comment = [f"# Run again up to {again} when it fails: max_retries counts every run."]
    decorator = comment + (call("", "@broker.task(", labels) if labels else ["@broker.task"])
    parameters = [f"{argument}: {kind}" for argument, kind in arguments]
    signature = call("", f"async def {name.snake}(", parameters, ") -> None:")
    values = [f"{argument}={_sample(kind)}" for argument, kind in arguments]
    kick = call(" " * 8, f"task = await {name.snake}.kiq(", values)
    jobs = f"{package}.app.jobs"
    return {
        "decorator": decorator,
        "signature": signature,
        "kick": kick,
        "imports": import_lines(
            [
                (f"{jobs}.broker", "broker"),
                (f"{jobs}.broker", "running"),
                (f"{jobs}.{name.snake}", name.snake),
            ]
        ),
    }
