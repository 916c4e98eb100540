"""The readiness probe's answer."""

from pydantic import BaseModel, Field


class ReadyResponse(BaseModel):
    """The application is ready to serve requests."""

    status: str = Field(description='Always "ok": any other state is an error.', examples=["ok"])
