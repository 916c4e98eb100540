"""Every builtin generator renders with Jinja alone, byte for byte as copier renders it, and no
`generate` or `destroy` run imports copier (its import alone outweighs the whole run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import copier
import pytest
import yaml
from support import run_generator

from fastapi_mvc.generating import plain_render
from fastapi_mvc.generating.commandline import parse
from fastapi_mvc.generating.composition import steps
from fastapi_mvc.generating.discovery import discover
from fastapi_mvc.generating.invocation import Invocation, invoke
from fastapi_mvc.resources import GENERATORS_DIR

FIELDS = (
    "title:string{120}:index",
    "body:text",
    "price:decimal{10,2}",
    "meta:json",
    "published_at:datetime?",
    "slug:string{80}:uniq",
)
# (what the project has first: `generate` command lines, the generator, its command line)
CASES = [
    ((), "controller", ["BlogPosts", "index", "show", "create:post", "remove:delete", "ping:head"]),
    ((), "controller", ["article", "--skip-routes"]),
    ((), "controller", ["articles", "index", "create:post", "--class"]),
    ((), "script", ["deploy.sh"]),
    ((), "script", ["deploy.sh", "--use-nix"]),
    ((), "job", ["send_welcome_mail", "to", "count:int", "--retries", "2", "--timeout", "30"]),
    ((), "model", ["Article", *FIELDS]),
    ((), "model", ["Tag", "name:string:uniq", "--skip-migration", "--no-timestamps"]),
    ((("model", "Author", "name"),), "model", ["Book", "author:references", "isbn:uuid:uniq"]),
    ((), "migration", ["AddSlugToArticles", "slug:string{80}:uniq"]),
    ((), "migration", ["RemovePriceFromProducts", "price:decimal{10,2}"]),
    ((), "migration", ["CreateJoinTableArticlesTags", "articles", "tags"]),
    ((), "migration", ["BackfillSlugs"]),
    ((), "migration", ["AddSlugToArticles", "--autogenerate"]),
    ((), "scaffold", ["Article", *FIELDS]),
    ((), "scaffold", ["Article", "title", "--skip-migration", "--no-timestamps"]),
    ((("scaffold", "Author", "name:string:uniq"),), "scaffold", ["Book", "author:references"]),
    ((("authentication",),), "scaffold", ["Article", "title", "--auth", "user"]),
    ((), "resource", ["Article", *FIELDS]),
    ((("authentication",),), "resource", ["Article", "title", "--auth", "staff"]),
    ((), "authentication", []),
    ((), "authentication", ["--registration"]),
    ((), "generator", ["policy"]),
    ((), "generator", ["policy", "--skip-nix", "--skip-actions", "--license", "no"]),
]


def rendered_by_copier(path: Path, data: dict, into: Path) -> dict[str, tuple[bytes, bool]]:
    """What the runner rendered before plain_render: copier's run_copy into a scratch folder."""
    copier.run_copy(
        str(path), into, data=data, defaults=True, quiet=True, unsafe=False, vcs_ref="HEAD"
    )
    return {
        file.relative_to(into).as_posix(): (file.read_bytes(), file.read_bytes()[:2] == b"#!")
        for file in sorted(into.rglob("*"))
        if file.is_file()
    }


def invocation(project: Path, name: str, argv: list[str]) -> Invocation:
    generator = discover(project).get(name)
    parsed = parse(generator, argv, f"fastapi-mvc generate {name}")
    return invoke(generator, parsed.arguments, parsed.options, cwd=project)


@pytest.mark.parametrize(
    ("given", "name", "argv"), CASES, ids=[" ".join([name, *argv]) for _, name, argv in CASES]
)
def test_renders_as_copier_does(
    project: Path, tmp_path: Path, given: tuple[tuple[str, ...], ...], name: str, argv: list[str]
) -> None:
    for command in given:
        assert run_generator(project, *command).exit_code == 0
    run = steps(invocation(project, name, argv))

    for number, step in enumerate(run):  # a composed generator too (scaffold's model)
        plain = plain_render.render(step.generator.path, step.data)

        assert plain is not None, f"{step.generator.name} needs copier: it left the subset"
        copied = rendered_by_copier(step.generator.path, step.data, tmp_path / str(number))
        assert plain == copied


def test_every_builtin_generator_is_proven(project: Path, tmp_path: Path) -> None:
    proven = {name for _, name, _ in CASES} | {"client"}  # client: below, it renders nothing
    builtin = {
        folder.name for folder in GENERATORS_DIR.iterdir() if (folder / "copier.yml").is_file()
    }
    assert builtin == proven
    client = GENERATORS_DIR / "client"
    assert (
        plain_render.render(client, {}) == rendered_by_copier(client, {}, tmp_path / "copier") == {}
    )


# Exclusion patterns as copier reads them (pathspec's gitignore), on a template of our own:
# (the pattern, the data, what it leaves out of TEMPLATE_FILES).
TEMPLATE_FILES = ("top.txt", "keep.txt", "app.py.jinja", "docs/guide.md", "docs/a/deep.py")
DOCS = {"docs/guide.md", "docs/top.txt", "docs/a/deep.py"}
EXCLUDED = [
    ("{% if skip %}docs{% endif %}", {"skip": True}, DOCS),
    ("{% if skip %}docs{% endif %}", {"skip": False}, set()),
    ("*.txt\n!keep.txt", {}, {"top.txt", "docs/top.txt"}),
    ("docs/", {}, DOCS),
    ("/top.txt", {}, {"top.txt"}),
    ("**/deep.py", {}, {"docs/a/deep.py"}),
    ("{{ name }}.py", {"name": "app"}, {"app.py"}),
    (
        "{% for part in parts %}{{ part }}\n{% endfor %}",
        {"parts": ["top.txt", "docs/guide.md"]},
        {"top.txt", "docs/top.txt", "docs/guide.md"},
    ),
    ("{% if _copier_operation == 'copy' %}top.txt{% endif %}", {}, {"top.txt", "docs/top.txt"}),
]


@pytest.mark.parametrize(("pattern", "data", "excluded"), EXCLUDED)
def test_exclusions_match_as_copier_matches_them(
    tmp_path: Path, pattern: str, data: dict[str, object], excluded: set[str]
) -> None:
    generator = tmp_path / "excluding"
    templates = generator / "templates"
    for relative in TEMPLATE_FILES:
        (templates / relative).parent.mkdir(parents=True, exist_ok=True)
        (templates / relative).write_text(f"{relative}\n")
    (templates / "docs" / "top.txt").write_text("nested\n")
    definition = {"_subdirectory": "templates", "_exclude": [pattern]}
    definition["_envops"] = {"undefined": "jinja2.StrictUndefined"}
    (generator / "copier.yml").write_text(yaml.safe_dump(definition))

    plain = plain_render.render(generator, data)

    assert plain == rendered_by_copier(generator, data, tmp_path / "copier")
    everything = {"top.txt", "keep.txt", "app.py", "docs/top.txt"} | DOCS
    assert plain is not None
    assert set(plain) == everything - excluded


def test_a_name_only_copier_knows_hands_the_run_to_copier(tmp_path: Path) -> None:
    generator = tmp_path / "uses_copier"
    (generator / "templates").mkdir(parents=True)
    (generator / "copier.yml").write_text(
        "_subdirectory: templates\n_envops:\n  undefined: jinja2.StrictUndefined\n"
    )
    for template in ("{{ _copier_conf.dst_path }}", "{{ now() }}", "{{ pathjoin('a', 'b') }}"):
        (generator / "templates" / "conf.txt.jinja").write_text(f"{template}\n")
        assert plain_render.render(generator, {}) is None


def test_a_name_only_copier_knows_is_defined_as_in_copier(tmp_path: Path) -> None:
    generator = tmp_path / "asks_copier"
    (generator / "templates").mkdir(parents=True)
    (generator / "copier.yml").write_text(
        "_subdirectory: templates\n_envops:\n  undefined: jinja2.StrictUndefined\n"
    )
    (generator / "templates" / "conf.txt.jinja").write_text(
        "{% if _copier_conf is defined %}copier{% else %}plain{% endif %}\n"
    )
    plain = plain_render.render(generator, {})
    assert plain == rendered_by_copier(generator, {}, tmp_path / "copier")
    assert plain == {"conf.txt": (b"copier\n", False)}


def test_a_part_rendering_empty_drops_the_path_before_the_parts_after_it_render(
    tmp_path: Path,
) -> None:
    generator = tmp_path / "optional"
    folder = generator / "templates" / "{% if wanted %}extra{% endif %}"
    folder.mkdir(parents=True)
    (generator / "copier.yml").write_text(
        "_subdirectory: templates\n_envops:\n  undefined: jinja2.StrictUndefined\n"
    )
    (folder / "{{ only_when_wanted }}.txt").write_text("extra\n")
    (generator / "templates" / "kept.txt").write_text("kept\n")

    plain = plain_render.render(generator, {"wanted": False})

    assert plain == rendered_by_copier(generator, {"wanted": False}, tmp_path / "copier")
    assert plain == {"kept.txt": (b"kept\n", False)}


def test_a_path_leaving_the_destination_hands_the_run_to_copier(tmp_path: Path) -> None:
    generator = tmp_path / "escaping"
    (generator / "templates" / "{{ folder }}").mkdir(parents=True)
    (generator / "copier.yml").write_text(
        "_subdirectory: templates\n_envops:\n  undefined: jinja2.StrictUndefined\n"
    )
    (generator / "templates" / "{{ folder }}" / "x.txt").write_text("x\n")
    assert plain_render.render(generator, {"folder": ".."}) is None
    assert plain_render.render(generator, {"folder": "inside"}) == {"inside/x.txt": (b"x\n", False)}


def test_questions_hand_the_run_to_copier(tmp_path: Path) -> None:
    generator = tmp_path / "asks"
    (generator / "templates").mkdir(parents=True)
    (generator / "copier.yml").write_text(
        "_subdirectory: templates\n_envops:\n  undefined: jinja2.StrictUndefined\n"
        "color:\n  type: str\n  default: blue\n"
    )
    assert plain_render.render(generator, {}) is None


COPIER_FREE = [
    ("generate", "controller", "articles", "index", "create:post"),
    ("generate", "scaffold", "Article", *FIELDS),
    ("generate", "scaffold", "Article", "title", "--pretend"),
    ("generate", "model", "Article", "title", "--skip-migration"),
    ("generate", "migration", "AddSlugToArticles", "slug"),
    ("generate", "resource", "Article", "title"),
    ("generate", "authentication"),
]


@pytest.mark.parametrize("command", COPIER_FREE, ids=" ".join)
def test_generate_and_destroy_do_not_import_copier(project: Path, command: tuple[str, ...]) -> None:
    def imported(*args: str) -> set[str]:
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "fastapi_mvc", *args],
            cwd=project,
            capture_output=True,
            text=True,
            check=True,
        )
        assert "create  " in done.stderr or "remove  " in done.stderr  # statuses go there
        return {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()}

    assert "copier" not in imported(*command)
    if "--pretend" not in command:
        assert "copier" not in imported("destroy", *command[1:3])
