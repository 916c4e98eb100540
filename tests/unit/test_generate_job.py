"""`fastapi-mvc generate job` on a project rendered into tmp_path, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support import (
    assert_file,
    assert_no_file,
    copy_project,
    new_project,
    run_destroy,
    run_generator,
    tree_checksum,
)


def job(project: Path, name: str) -> Path:
    return project / "demo" / "app" / "jobs" / f"{name}.py"


def unit_test(project: Path, name: str) -> Path:
    return project / "tests" / "unit" / "app" / "jobs" / f"test_{name}.py"


def test_creates_a_typed_retryable_job_and_its_test(project: Path) -> None:
    result = run_generator(
        project, "job", "SendWelcomeMail", "user_id:int", "address", "tags:list[str]",
        "--retries", "3", "--timeout", "30",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "create  demo/app/jobs/send_welcome_mail.py" in result.output
    assert "create  tests/unit/app/jobs/test_send_welcome_mail.py" in result.output
    assert_file(
        job(project, "send_welcome_mail"),
        r"^from demo\.app\.jobs\.broker import broker$",
        r"^# Run again up to 3 more times when it fails: max_retries counts every run\.\n"
        r'@broker\.task\(timeout=30, retry_on_error=True, max_retries=4, ack_type="when_saved"\)$',
        r"^async def send_welcome_mail\(user_id: int, address: str, tags: list\[str\]\) -> None:$",
    )
    assert_file(
        unit_test(project, "send_welcome_mail"),
        r"^from demo\.app\.jobs\.broker import broker, running\n"
        r"from demo\.app\.jobs\.send_welcome_mail import send_welcome_mail$",
        r'^        task = await send_welcome_mail\.kiq\(user_id=1, address="text", tags=\[\]\)$',
        r"^    assert result\.return_value is None$",
    )


def test_the_short_alias_and_no_options_make_a_plain_job(project: Path) -> None:
    result = run_generator(project, "j", "cleanup")
    assert result.exit_code == 0, result.output
    assert_file(job(project, "cleanup"), r"^@broker\.task\nasync def cleanup\(\) -> None:$")
    assert_file(unit_test(project, "cleanup"), r"^        task = await cleanup\.kiq\(\)$")


def test_long_signatures_are_laid_out_as_black_and_ruff_want(project: Path) -> None:
    arguments = [f"argument_number_{n}:dict[str,float]" for n in range(4)]
    result = run_generator(project, "job", "a" * 30, *arguments, "--timeout", "2.5")
    assert result.exit_code == 0, result.output
    assert_file(
        job(project, "a" * 30),
        r"^@broker\.task\(timeout=2\.5\)$",
        r"^    argument_number_0: dict\[str, float\],$",
    )
    for tool in ("black", "ruff"):
        command = ["--check", "-q", "."] if tool == "black" else ["check", "-q", "."]
        checked = subprocess.run(
            [sys.executable, "-m", tool, *command], cwd=project, capture_output=True, text=True
        )
        assert checked.returncode == 0, f"{tool}: {checked.stdout}{checked.stderr}"


def test_destroy_by_name_takes_it_all_out(project: Path) -> None:
    before = tree_checksum(project)
    arguments = ("resize", "width:int", "height:int", "--retries", "1", "--timeout", "10")
    assert run_generator(project, "job", *arguments).exit_code == 0

    result = run_destroy(project, "job", "resize")

    assert result.exit_code == 0, result.output
    assert "remove  demo/app/jobs/resize.py" in result.output
    assert_no_file(job(project, "resize"))
    assert_no_file(unit_test(project, "resize"))
    assert tree_checksum(project) == before


def test_destroy_keeps_a_job_the_user_wrote_in(project: Path) -> None:
    assert run_generator(project, "job", "report", "month:int").exit_code == 0
    module = job(project, "report")
    module.write_text(module.read_text() + "    print(month)\n")

    result = run_destroy(project, "job", "report")

    assert result.exit_code == 0, result.output
    assert "keep  demo/app/jobs/report.py" in result.output
    assert module.is_file()


@pytest.mark.parametrize(
    "arguments, message",
    [
        (
            ("when:datetime",),
            "argument 'when:datetime': 'datetime' is not a JSON type, and job arguments travel"
            " as JSON; use str, int, float, bool, list[T] or dict[str, T]",
        ),
        (("items:list[bytes]",), "'list[bytes]' is not a JSON type"),
        (("items:set[int]",), "'set[int]' is not a JSON type"),
        (("context:str",), "invalid argument name 'context': taskiq fills in a job's context"),
        (("id:int",), "invalid argument name 'id': a Python builtin"),
        (("class",), "invalid argument name 'class': 'class' is a Python keyword"),
        (("UserId:int",), "it is a parameter name, written in snake_case; write it as 'user_id'"),
        (("a", "a:int"), "argument 'a' is given twice"),
        (("--retries", "two"), "--retries 'two' is not a whole number"),
        (("--timeout", "0"), "--timeout '0' is not a number of seconds"),
        (("--timeout", "nan"), "--timeout 'nan' is not a number of seconds"),
    ],
)
def test_bad_arguments_are_refused_in_one_line(
    project: Path, arguments: tuple[str, ...], message: str
) -> None:
    before = tree_checksum(project)
    result = run_generator(project, "job", "notify", *arguments)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert tree_checksum(project) == before


@pytest.mark.parametrize("name", ["broker", "waiting", "primes"])
def test_a_name_of_a_jobs_module_is_refused(project: Path, name: str) -> None:
    before = tree_checksum(project)
    result = run_generator(project, "job", name)
    assert result.exit_code == 2
    assert f"'{name}' would collide with the module app/jobs/{name}.py" in result.output
    assert tree_checksum(project) == before


@pytest.fixture(scope="module")
def pristine_without_jobs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_project(tmp_path_factory.mktemp("nojobs"), "demo", "--skip-git", "--skip-jobs")


def test_a_project_without_jobs_is_told_how_to_add_them(
    pristine_without_jobs: Path, tmp_path: Path
) -> None:
    project = copy_project(pristine_without_jobs, tmp_path)
    result = run_generator(project, "job", "notify")
    assert result.exit_code == 2
    assert "demo has no background jobs" in result.output
    assert "fastapi-mvc update --enable jobs" in result.output
    assert_no_file(project / "demo" / "app" / "jobs")
