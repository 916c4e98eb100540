"""`fastapi-mvc generate|destroy [GENERATOR [ARGS...]]`, from the raw command line to the result.

The CLI hands over the words after `generate`; this module finds the generator, shows the
listing or a help text, parses the generator's own command line (`commandline`), checks the
run (`invocation`) and runs it one way or the other (`runner`, `destroy`).
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi_mvc.console import Console, is_interactive
from fastapi_mvc.errors import UsageError
from fastapi_mvc.generating.commandline import listing, overview, parse, usage, wants_help
from fastapi_mvc.generating.runtime import Action, Runtime


def run(action: Action, argv: Sequence[str], *, prog: str, verbose: bool = False) -> None:
    """Run `prog ARGV` (`prog` is e.g. `fastapi-mvc generate`)."""
    from fastapi_mvc.generating.discovery import discover

    console = Console(verbose=verbose)
    catalog = discover()
    position = next((i for i, arg in enumerate(argv) if not arg.startswith("-")), None)
    if position is None:
        if wants_help(argv):
            console.print(overview(catalog, action, prog))
        elif argv:
            raise UsageError(
                f"no GENERATOR given to {' '.join(argv)}", f"`{prog}` lists the generators"
            )
        else:
            console.print(listing(catalog, action, prog=prog))
        return
    generator = catalog.get(argv[position])
    rest = [*argv[:position], *argv[position + 1 :]]
    command = f"{prog} {generator.name}"
    from fastapi_mvc.compat import generators as original

    if isinstance(generator, original.OriginalGenerator):  # written for the original fastapi-mvc
        if action is Action.DESTROY:
            raise original.refuse_destroy(generator)
        from fastapi_mvc.generating.discovery import project_root

        original.run_original(generator, rest, prog=command, root=project_root())
        return
    if wants_help(rest):
        console.print(usage(generator, action, command))
        return
    parsed = parse(generator, rest, command)
    runtime = Runtime(
        force=parsed.runtime["force"],
        skip=parsed.runtime["skip"],
        pretend=parsed.runtime["pretend"],
        quiet=parsed.runtime["quiet"],
        interactive=is_interactive() and not parsed.runtime["no_interaction"],
    )
    from fastapi_mvc.generating.invocation import invoke

    invocation = invoke(
        generator,
        parsed.arguments,
        parsed.options,
        destroying=action is Action.DESTROY,
        runtime=runtime,
    )
    out = Console(quiet=runtime.quiet, verbose=verbose)
    if action is Action.DESTROY:
        from fastapi_mvc.generating.destroy import destroy

        destroy(invocation, runtime, out)
    else:
        from fastapi_mvc.generating.runner import generate

        generate(invocation, runtime, out)
    if runtime.pretend:
        out.info("(pretend: nothing was changed)")
