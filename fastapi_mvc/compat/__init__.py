"""What users of the original fastapi-mvc (0.28 and earlier) wrote against, kept working here.

The original documented a small Python/click API for user generators: a package in
`lib/generators/NAME/` (or on `FMVC_PATH`) whose `__init__.py` exports `generator = <click
command>`, built with `fastapi_mvc.cli.GeneratorCommand` and helpers from `fastapi_mvc.utils` and
`fastapi_mvc.constants`. Those import paths are thin modules over this package:

- `generators`: recognising such a folder without running it, and running its click command.
- `project_api`: the helpers its code calls (`require_fastapi_mvc_project`, ...).

And for projects the original made (Poetry packaging, a router without our marker):

- `poetry`: telling such a project from ours, and finding its Poetry environment for run/routes.
- `moving`: what a plain `update` says about such a project instead of trying.
- `move`: `update --from-original`, the move onto our template keeping the user's edits, with
  `answers` (their answers as ours), `moved_router` and `moved_imports` (what the original's
  controller generator wrote, carried over).

Nothing here is used by our own generators or projects; see docs/coming-from-the-original.md.
"""
