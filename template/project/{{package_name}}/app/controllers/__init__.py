"""Controllers: one module per resource, each with its own `router`, included in app/router.py."""
