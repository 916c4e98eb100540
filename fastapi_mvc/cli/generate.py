"""`fastapi-mvc generate GENERATOR ...`: every generator found at run time is a sub-command.

The group reads generator definitions (plain YAML) to list them and to build each one's command
line through Typer's own API; copier and a generator's code are imported only when it runs.
`destroy` is the same group with the other action.
"""

from __future__ import annotations

import enum
import inspect
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:  # the machinery is imported when `generate` runs, not for other commands
    from fastapi_mvc.errors import FastapiMvcError
    from fastapi_mvc.generating.discovery import Catalog, Entry
    from fastapi_mvc.generating.generator import Generator

PANELS = {
    "builtin": "Builtin generators",
    "project": "Project generators (lib/generators)",
    "FMVC_PATH": "Generators on FMVC_PATH",
}
BROKEN_PANEL = "Broken generators"
RUNTIME_PANEL = "Runtime options"

# The runtime options every generator takes, declared once: name, flags, help per action.
RUNTIME_OPTIONS = (
    (
        "force",
        ("-f", "--force"),
        {
            "generate": "Overwrite files that already exist.",
            "destroy": "Remove files even if they changed since they were generated.",
        },
    ),
    (
        "skip",
        ("-s", "--skip"),
        {
            "generate": "Skip files that already exist.",
            "destroy": "Keep files that changed since they were generated (the default).",
        },
    ),
    (
        "pretend",
        ("-p", "--pretend"),
        {
            "generate": "Run but do not make any changes.",
            "destroy": "Run but do not change anything.",
        },
    ),
    (
        "quiet",
        ("-q", "--quiet"),
        {"generate": "Suppress status output.", "destroy": "Suppress status output."},
    ),
    (
        "no_interaction",
        ("--no-interaction",),
        {
            "generate": "Never ask, even in a terminal: a conflict is refused (exit 1).",
            "destroy": "Never ask (destroy asks nothing anyway).",
        },
    ),
)


def _parameters(generator: Generator, action: str) -> list[inspect.Parameter]:
    """The command's signature, for Typer: the generator's arguments and options, then ours."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    params = [inspect.Parameter("ctx", keyword, annotation=typer.Context)]
    for argument in generator.arguments:
        info = typer.Argument(metavar=argument.shown, help=argument.help, show_default=False)
        many = argument.nargs == -1
        params.append(
            inspect.Parameter(
                argument.name,
                keyword,
                default=None if many else inspect.Parameter.empty,
                annotation=Annotated[list[str] | None, info] if many else Annotated[str, info],
            )
        )
    for option in generator.options:
        kind: Any
        if option.type == "flag":
            kind, default = bool, bool(option.default)
        elif option.type == "choice":
            kind = enum.Enum(f"{option.name}_choices", {c: c for c in option.choices}, type=str)  # type: ignore[misc]
            default = None if option.default is None else kind(str(option.default))
        else:
            kind, default = str, option.default
        if default is None and kind is not bool:
            kind = kind | None
        info = typer.Option(
            *option.flags, help=option.help, envvar=option.envvar, show_default=default is not None
        )
        params.append(
            inspect.Parameter(
                option.name, keyword, default=default, annotation=Annotated[kind, info]
            )
        )
    for name, flags, helps in RUNTIME_OPTIONS:
        info = typer.Option(*flags, help=helps[action], rich_help_panel=RUNTIME_PANEL)
        params.append(
            inspect.Parameter(name, keyword, default=False, annotation=Annotated[bool, info])
        )
    return params


class GeneratorCommand(TyperCommand):
    """A generator as a command: its help is the USAGE text, verbatim, then its parameters."""

    arguments: tuple[tuple[str, str], ...] = ()

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.format_usage(ctx, formatter)
        formatter.write_paragraph()
        for line in (self.help or "").rstrip().splitlines():
            formatter.write(f"{'':>{formatter.current_indent + 2}}{line}".rstrip() + "\n")
        if self.arguments:
            with formatter.section("Arguments"):
                formatter.write_dl(list(self.arguments))
        own, runtime = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None and param.param_type_name == "option":
                panel = getattr(param, "rich_help_panel", None)
                (runtime if panel == RUNTIME_PANEL or param.name == "help" else own).append(record)
        for title, records in (("Options", own), (RUNTIME_PANEL, runtime)):
            if records:
                with formatter.section(title):
                    formatter.write_dl(records)


def generator_command(generator: Generator, action: str) -> Any:
    """Build the command for one generator with Typer, from its definition."""

    def run(**values: Any) -> None:
        _run(generator, action, values)

    parameters = _parameters(generator, action)
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    aliases = f" (alias: {', '.join(generator.aliases)})" if generator.aliases else ""
    single = typer.Typer(add_completion=False)
    single.command(
        generator.name,
        cls=GeneratorCommand,
        help=generator.usage,
        short_help=generator.description + aliases,
        rich_help_panel=PANELS[generator.origin],
    )(run)
    command = typer.main.get_command(single)
    command.arguments = tuple(
        (a.shown + ("..." if a.nargs == -1 else ""), a.help) for a in generator.arguments
    )
    return command


def broken_command(name: str, problem: FastapiMvcError) -> Any:
    """A name with a problem: listed with it, and raising it when run."""

    def run() -> None:
        raise problem

    single = typer.Typer(add_completion=False)
    single.command(
        name,
        help=str(problem),
        short_help=getattr(problem, "reason", None) or str(problem),
        rich_help_panel=BROKEN_PANEL,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
    )(run)
    return typer.main.get_command(single)


def _run(generator: Generator, action: str, values: dict[str, Any]) -> None:
    from fastapi_mvc import console
    from fastapi_mvc.generating.invocation import invoke
    from fastapi_mvc.generating.runner import Runtime

    ctx = values.pop("ctx")
    runtime = Runtime(
        force=values["force"],
        skip=values["skip"],
        pretend=values["pretend"],
        quiet=values["quiet"],
        interactive=console.is_interactive() and not values["no_interaction"],
    )
    arguments = {
        a.name: values[a.name] or ([] if a.nargs == -1 else "") for a in generator.arguments
    }
    options = {
        o.name: values[o.name].value if isinstance(values[o.name], enum.Enum) else values[o.name]
        for o in generator.options
    }
    invocation = invoke(generator, arguments, options, destroying=action == "destroy")
    root = ctx.find_root()
    verbose = bool(isinstance(root.obj, dict) and root.obj.get("verbose"))
    out = console.Console(quiet=runtime.quiet, verbose=verbose)
    if action == "destroy":
        from fastapi_mvc.generating.destroy import destroy

        destroy(invocation, runtime, out)
    else:
        from fastapi_mvc.generating.runner import generate

        generate(invocation, runtime, out)
    if runtime.pretend:
        out.info("(pretend: nothing was changed)")


class GeneratorGroup(TyperGroup):
    """Sub-commands are the generators discovered from the working directory at run time."""

    action = "generate"

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.subcommand_metavar = "GENERATOR [ARGS]..."

    def catalog(self, ctx: Any) -> Catalog:
        from fastapi_mvc.generating.discovery import discover

        key = "fastapi_mvc.catalog"
        if key not in ctx.meta:
            ctx.meta[key] = discover()
        return ctx.meta[key]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Plain help (rich is slow to import): the group's text, then the listing."""
        self.format_usage(ctx, formatter)
        for paragraph in (self.help or "").split("\n\n"):
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(paragraph)
        with formatter.section("Options"):
            formatter.write_dl([("-h, --help", "Show this message and exit.")])
        formatter.write_paragraph()
        formatter.write(listing(self.catalog(ctx), self.action, usage=False) + "\n")

    def list_commands(self, ctx: Any) -> list[str]:
        return self.catalog(ctx).names()

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        catalog = self.catalog(ctx)
        if cmd_name in catalog.problems:
            return broken_command(cmd_name, catalog.problems[cmd_name])
        generator = catalog.commands.get(cmd_name)
        return generator_command(generator, self.action) if generator else None

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name = args[0]
        if name.startswith("-"):
            return super().resolve_command(ctx, args)
        command = self.get_command(ctx, name)
        if command is None:
            from fastapi_mvc.generating.discovery import unknown_generator

            catalog = self.catalog(ctx)
            raise unknown_generator(name, [*catalog.commands, *catalog.problems])
        return command.name, command, args[1:]


def listing(catalog: Catalog, action: str, *, usage: bool = True) -> str:
    """The group without a generator: every generator, one line each, by origin."""
    width = max((len(_label(entry)) for entry in catalog.entries), default=0) + 2
    sections = []
    for origin, title in PANELS.items():
        rows = [
            f"  {_label(e):<{width}}{e.generator.description}"
            for e in catalog.entries
            if e.origin == origin and e.generator and not e.problem
        ]
        if rows:
            sections.append("\n".join([f"{title}:", *rows]))
    broken = [
        f"  {e.name:<{width}}{getattr(e.problem, 'reason', None) or e.problem}"
        for e in catalog.entries
        if e.problem
    ]
    if broken:
        sections.append("\n".join([f"{BROKEN_PANEL}:", *broken]))
    if usage:
        sections.insert(0, f"Usage: fastapi-mvc {action} GENERATOR [ARGS]... [OPTIONS]")
    sections.append(f"Run `fastapi-mvc {action} GENERATOR --help` for a generator's usage.")
    return "\n\n".join(sections)


def _label(entry: Entry) -> str:
    aliases = entry.generator.aliases if entry.generator else ()
    return f"{entry.name} ({', '.join(aliases)})" if aliases else entry.name


def make_group(action: str, group: type[GeneratorGroup], help: str) -> typer.Typer:
    sub = typer.Typer(name=action, cls=group, invoke_without_command=True, help=help)

    @sub.callback()
    def callback(ctx: typer.Context) -> None:
        if ctx.invoked_subcommand is None:
            typer.echo(listing(ctx.command.catalog(ctx), action))

    return sub


GENERATE_HELP = (
    "Run a generator: add code to the project (alias: g).\n\n"
    "Without a GENERATOR, list every generator: the builtins, the project's own in "
    "lib/generators and those on FMVC_PATH. `fastapi-mvc generate GENERATOR --help` shows "
    "one's usage, examples and the files it creates."
)


def register(app: typer.Typer) -> None:
    app.add_typer(make_group("generate", GeneratorGroup, GENERATE_HELP), rich_help_panel="Code")
