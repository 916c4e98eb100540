"""The generator machinery behind `fastapi-mvc generate` and `fastapi-mvc destroy`.

A generator is a folder: `copier.yml` (copier's settings plus a `_generator` block saying what the
command line takes), a `USAGE` text (its --help), `templates/` (what copier renders), and
optionally `generator.py` with a `prepare(invocation)` hook, imported only when it runs.

- `generator`: the definition, read without copier and without running any generator code.
- `discovery`: builtin generators, the project's `lib/generators/*` and `FMVC_PATH`.
- `runtime`: the options every generator takes (--force --skip --pretend ...), declared once.
- `commandline`: a generator's command line (argparse, from its definition) and help texts.
- `command`: `generate|destroy [GENERATOR ARGS...]` from the raw words to the result.
- `invocation`: one run's arguments, validated names, template data and declared edits (the
  contract generators rely on is documented there).
- `runner`: render into a staging directory with copier, compare, resolve conflicts, then
  write everything in one all-or-nothing transaction (`fastapi_mvc.files`).
- `router_edit`: the reversible edit that registers a controller in `app/router.py`.
- `destroy`: the same render, used to remove what a generator created.

Hooks import what they need from the modules above; this package imports nothing heavy.
"""
