"""The resource generator's steps: compose the model generator, then a class-based controller
whose REST actions answer 501 until written, its tests and its route (fastapi_mvc.scaffolding)."""

from __future__ import annotations

from fastapi_mvc.generating.invocation import Invocation
from fastapi_mvc.scaffolding import prepare as prepare_resource


def prepare(invocation: Invocation) -> None:
    prepare_resource(invocation, generator="resource")
