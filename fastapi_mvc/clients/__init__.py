"""Typed clients of a project's API (`fastapi-mvc generate client`), made by the field's tools.

The application's OpenAPI schema is exported offline, by importing the app in the project's own
environment (`openapi`); each language's generator turns it into a client folder, with its
tools installed inside the project (`tools`): openapi-typescript for TypeScript (`typescript`),
openapi-python-client for Python (`python`). `build` makes every asked client into a scratch
folder and says how it differs from the one in the project, which is what both generating and
`--check` need.
"""
