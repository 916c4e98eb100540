"""copier asks git for core.fileMode once per run and compiles each Jinja string once, with the
same outcome.

These tests fail when copier changes underneath fastapi_mvc.copier_speed: what it wraps gone or
with another shape, copier asking git another question, or `new` starting many git processes
or compiling many strings again. Then read copier's changelog and adapt (or drop) the module.
"""

from __future__ import annotations

import inspect
import os
import shutil
import stat
from pathlib import Path

import copier
import yaml
from copier._main import Worker
from support import run_ok, run_tool, tree_checksum

from fastapi_mvc import copier_speed

IDENTITY = ("-c", "user.name=T", "-c", "user.email=t@example.com")


def new_through_copier() -> tuple[str, ...]:
    """`new` with copier: a `new -n` of the packaged release renders without it (new_render),
    one of a named version through it."""
    from fastapi_mvc.template_versions import released_versions

    return ("new", "--use-version", released_versions()[-1], "-n", "-I", "-q", "--skip-git")


def git_logging_to(directory: Path, log: Path) -> dict[str, str]:
    """An environment whose `git` is a shim that notes each call in `log` and runs the real one."""
    real = shutil.which("git")
    assert real is not None
    shim = directory / "git"
    shim.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real}" "$@"\n')
    shim.chmod(0o755)
    return {"PATH": f"{directory}{os.pathsep}{os.environ['PATH']}"}


def test_the_method_it_answers_for_is_copiers_and_asks_for_core_file_mode() -> None:
    method = getattr(Worker, copier_speed.GIT_METHOD)
    assert tuple(inspect.signature(method).parameters) == copier_speed.GIT_PARAMETERS
    source = inspect.getsource(method)
    assert '"config", "--type=bool", "--get", "core.fileMode"' in source
    assert copier_speed.git_applies(), "this copier is outside the versions copier_speed knows"


def test_copier_makes_its_jinja_environment_once_per_worker_and_compiles_paths_with_it() -> None:
    assert copier_speed.jinja_applies(), "this copier is outside the versions copier_speed knows"
    assert "self.jinja_env.from_string(" in inspect.getsource(Worker)


def test_new_starts_a_handful_of_git_processes_not_one_per_file(
    pristine: Path, tmp_path: Path
) -> None:
    """(With the template cache made, by the pristine project's `new`: a first run makes it.)"""
    shims, log = tmp_path / "bin", tmp_path / "git.log"
    shims.mkdir()
    result = run_tool(*new_through_copier(), "demo", cwd=tmp_path, env=git_logging_to(shims, log))
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    rendered = sum(1 for path in (tmp_path / "demo").rglob("*") if path.is_file())
    assert rendered > 80
    assert [call for call in calls if "core.fileMode" in call] == [
        "config --type=bool --get core.fileMode"
    ]
    assert len(calls) < 16, calls  # 13 with copier 9.19: no dunamai (about a dozen more)


def test_the_block_leaves_copier_as_it_was() -> None:
    from copier._template import Template

    names = (copier_speed.GIT_METHOD, copier_speed.JINJA_PROPERTY)

    def wrapped() -> list[object]:
        return [Worker.__dict__[name] for name in names] + [Template.__dict__["version"]]

    before = wrapped()
    with copier_speed.faster():
        assert all(now is not then for now, then in zip(wrapped(), before, strict=True))
    assert wrapped() == before


def test_new_renders_the_same_project_with_and_without_it(pristine: Path, tmp_path: Path) -> None:
    """pristine was made by `new` (new_render, or copier within the block); this copy by copier
    as it ships."""
    from fastapi_mvc import template_versions

    source = template_versions.current_source()
    answers = yaml.safe_load((pristine / ".fastapi-mvc.yml").read_text())
    data = {key: value for key, value in answers.items() if not key.startswith("_")}
    copier.run_copy(
        source.src_path,
        tmp_path / "demo",
        vcs_ref=source.vcs_ref,
        data=data,
        defaults=True,
        quiet=True,
    )
    assert tree_checksum(tmp_path / "demo") == tree_checksum(pristine)


def test_a_yield_in_a_path_still_renders_one_file_per_item(tmp_path: Path) -> None:
    """copier's `yield` keeps state per compilation; compiled once, it still works."""
    template = tmp_path / "template"
    (template / "templates").mkdir(parents=True)
    (template / "copier.yml").write_text("_subdirectory: templates\nitems: {default: [a, b]}\n")
    name = "{% yield item from items %}{{ item }}{% endyield %}.txt.jinja"
    (template / "templates" / name).write_text("{{ item }}\n")
    (template / "templates" / "{{ 'plain' }}.txt.jinja").write_text("plain\n")
    (template / "templates" / "{{ 'other' }}.txt.jinja").write_text("other\n")
    with copier_speed.faster():
        copier.run_copy(str(template), tmp_path / "once", defaults=True, quiet=True)
        copier.run_copy(str(template), tmp_path / "again", defaults=True, quiet=True)
    for out in (tmp_path / "once", tmp_path / "again"):
        names = sorted(path.name for path in out.iterdir() if path.suffix == ".txt")
        assert names == ["a.txt", "b.txt", "other.txt", "plain.txt"]


def executable_template(root: Path) -> Path:
    """A one-file template repository whose script is committed executable."""
    template = root / "template"
    template.mkdir()
    (template / "copier.yml").write_text("_templates_suffix: .jinja\n")
    (template / "run.sh").write_text("#!/bin/sh\necho hi\n")
    (template / "run.sh").chmod(0o755)
    run_ok("git", "init", "-q", template)
    run_ok("git", *IDENTITY, "commit", "-q", "--allow-empty", "-m", "empty", cwd=template)
    run_ok("git", "add", "-A", cwd=template)
    run_ok("git", *IDENTITY, "commit", "-q", "-m", "script", cwd=template)
    run_ok("git", "tag", "1.0", cwd=template)
    return template


def test_with_core_file_mode_false_copier_still_records_the_executable_bit(tmp_path: Path) -> None:
    """Where git ignores on-disk modes, copier's own method runs and fixes the index's mode."""
    template = executable_template(tmp_path)
    destination = tmp_path / "project"
    destination.mkdir()
    run_ok("git", "init", "-q", destination)
    run_ok("git", "config", "core.fileMode", "false", cwd=destination)
    (destination / "run.sh").write_text("old\n")
    run_ok("git", "add", "run.sh", cwd=destination)
    run_ok("git", *IDENTITY, "commit", "-q", "-m", "old", cwd=destination)

    with copier_speed.faster():
        copier.run_copy(str(template), destination, defaults=True, overwrite=True, quiet=True)

    assert (destination / "run.sh").stat().st_mode & stat.S_IXUSR
    staged = run_ok("git", "ls-files", "--stage", "run.sh", cwd=destination).stdout
    assert staged.startswith("100755 "), staged


def test_a_second_new_compiles_from_the_bytecode_cache_and_renders_the_same(
    pristine: Path, tmp_path: Path
) -> None:
    from fastapi_mvc.template_versions import cache_dir

    cached = cache_dir() / "jinja-bytecode"
    assert any(cached.iterdir()), "the pristine project's `new` filled the cache"
    result = run_tool(*new_through_copier(), "demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert tree_checksum(tmp_path / "demo") == tree_checksum(pristine)


def test_templates_compiled_with_other_delimiters_have_other_cache_entries() -> None:
    from jinja2.sandbox import SandboxedEnvironment

    plain = SandboxedEnvironment(keep_trailing_newline=True)
    brackets = SandboxedEnvironment(
        keep_trailing_newline=True, variable_start_string="[[", variable_end_string="]]"
    )
    assert copier_speed._code_options(plain) != copier_speed._code_options(brackets)
    assert copier_speed._code_options(plain) == copier_speed._code_options(
        SandboxedEnvironment(keep_trailing_newline=True)
    )


def test_copier_renders_each_string_and_the_answers_file_name_as_the_shortcut_assumes() -> None:
    """A plain string is returned as itself only while copier renders strings this way."""
    assert copier_speed.render_applies(), "this copier is outside the versions copier_speed knows"
    render = [line.strip() for line in inspect.getsource(Worker._render_string).splitlines()]
    assert "tpl = self.jinja_env.from_string(string)" in render
    assert "return tpl.render(**self._render_context(), **(extra_context or {}))" in render
    answers = inspect.getsource(Worker.answers_relpath.fget)  # type: ignore[attr-defined]
    assert "path = self.answers_file or self.template.answers_relpath" in answers
    assert "template = self.jinja_env.from_string(str(path))" in answers


def test_paths_in_other_delimiters_render_as_copier_renders_them(tmp_path: Path) -> None:
    """`{{` is plain text where the template's delimiters are `[[ ]]`, and a templated answers
    file name is still rendered."""
    template = tmp_path / "template"
    (template / "files" / "[[ name ]]").mkdir(parents=True)
    (template / "copier.yml").write_text(
        "_subdirectory: files\n_answers_file: '.answers-[[ name ]].yml'\n"
        "_envops: {variable_start_string: '[[', variable_end_string: ']]'}\n"
        "name: {default: demo}\n"
    )
    (template / "files" / "{{ name }}.txt").write_text("kept\n")
    (template / "files" / "[[ name ]]" / "[[ name ]].py.jinja").write_text("x = '[[ name ]]'\n")
    (template / "files" / "[[ _copier_conf.answers_file ]].jinja").write_text(
        "[[ _copier_answers|to_nice_yaml ]]"
    )
    copier.run_copy(str(template), tmp_path / "shipped", defaults=True, quiet=True)
    with copier_speed.faster():
        copier.run_copy(str(template), tmp_path / "faster", defaults=True, quiet=True)
    assert sorted(p.name for p in (tmp_path / "faster").rglob("*")) == [
        ".answers-demo.yml",
        "demo",
        "demo.py",
        "{{ name }}.txt",
    ]
    assert tree_checksum(tmp_path / "faster") == tree_checksum(tmp_path / "shipped")


def test_copier_clones_end_with_the_submodule_update_it_skips_when_there_is_none() -> None:
    from copier import _vcs

    assert copier_speed.clone_applies(), "this copier is outside the versions copier_speed knows"
    command = ", ".join(f'"{word}"' for word in copier_speed.SUBMODULE_UPDATE)
    assert f"git({command})" in inspect.getsource(_vcs.clone)


def test_new_updates_no_submodules_in_a_template_without_any(tmp_path: Path) -> None:
    shims, log = tmp_path / "bin", tmp_path / "git.log"
    shims.mkdir()
    result = run_tool(*new_through_copier(), "demo", cwd=tmp_path, env=git_logging_to(shims, log))
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines()
    assert not [call for call in calls if call.startswith("submodule")], calls


def test_a_template_with_a_submodule_still_gets_it_checked_out(tmp_path: Path) -> None:
    """copier's clone still runs `git submodule update` when the template has a submodule."""
    from plumbum import local

    library = tmp_path / "library"
    library.mkdir()
    (library / "shared.txt").write_text("from the submodule\n")
    run_ok("git", "init", "-q", library)
    run_ok("git", "add", "-A", cwd=library)
    run_ok("git", *IDENTITY, "commit", "-q", "-m", "library", cwd=library)
    template = executable_template(tmp_path)
    allow_file = ("-c", "protocol.file.allow=always")
    run_ok("git", *allow_file, "submodule", "add", "-q", str(library), "vendor", cwd=template)
    run_ok("git", *IDENTITY, "commit", "-q", "-m", "submodule", cwd=template)
    # copier's git clones the submodule from a local path: git allows that only when told to.
    allowed = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "protocol.file.allow"}
    with local.env(**allowed, GIT_CONFIG_VALUE_0="always"), copier_speed.faster():
        copier.run_copy(str(template), tmp_path / "project", vcs_ref="HEAD", quiet=True)
    assert (tmp_path / "project" / "vendor" / "shared.txt").read_text() == "from the submodule\n"


def test_copier_reads_a_templates_version_with_dunamai_beside_the_describe_it_runs() -> None:
    from copier._template import Template

    assert copier_speed.version_applies(), "this copier is outside the versions copier_speed knows"
    source = inspect.getsource(Template)
    assert "dunamai.Version.from_git(" in source
    assert '"describe", "--tags", "--always"' in source


def tagged_template(root: Path) -> Path:
    """A template repository: 1.2.0, then 1.3.0rc1 and latest on one commit, then an untagged
    one."""
    template = root / "tagged"
    template.mkdir()
    run_ok("git", "init", "-q", template)
    for number, tags in enumerate([["1.2.0"], ["1.3.0rc1", "latest"], []]):
        (template / "copier.yml").write_text(f"number:\n  default: {number}\n")
        run_ok("git", "add", "-A", cwd=template)
        run_ok("git", *IDENTITY, "commit", "-q", "-m", f"commit {number}", cwd=template)
        for tag in tags:
            run_ok("git", "tag", tag, cwd=template)
    return template


def test_a_template_at_the_tag_asked_for_has_dunamais_version_without_dunamai(
    tmp_path: Path, monkeypatch
) -> None:
    import dunamai
    from copier._template import Template

    template = tagged_template(tmp_path)
    head = run_ok("git", "rev-parse", "HEAD", cwd=template).stdout.strip()

    def version(ref: str) -> object:
        found = Template(url=str(template), ref=ref)
        try:
            return found.version
        finally:
            found._cleanup()

    refs = ["1.2.0", "1.3.0rc1", "latest", "HEAD", head]
    shipped = [version(ref) for ref in refs]
    asked: list[str] = []
    from_git = dunamai.Version.from_git
    monkeypatch.setattr(
        dunamai.Version,
        "from_git",
        lambda *args, **kwargs: asked.append("dunamai") or from_git(*args, **kwargs),
    )
    with copier_speed.faster():
        faster = [version(ref) for ref in refs]

    assert faster == shipped
    assert [str(found) for found in shipped[:2]] == ["1.2.0", "1.3.0rc1"]
    # A tag that is no version, HEAD past the last tag, a hash: dunamai reads them.
    assert len(asked) == 3
