"""The error envelope: every error the API answers with has this one shape.

    {"error": {"code": 502, "status": "BAD_GATEWAY", "message": "...", "details": []}}

Clients can rely on it whatever went wrong: an `HTTPException` raised by a controller, a route
that does not exist, a request that fails validation (with one entry in `details` per problem) or
an unexpected error in the server.
"""

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, Field


class ErrorModel(BaseModel):
    """What went wrong, for people (`message`) and for programs (`code`, `status`, `details`)."""

    code: int = Field(description="The HTTP status code of the answer.", examples=[502])
    status: str = Field(
        description="The status code's name, or UNKNOWN for a code HTTP does not define.",
        examples=["BAD_GATEWAY"],
    )
    message: str = Field(
        description="A short explanation for people.", examples=["Could not connect to Redis."]
    )
    details: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Structured details, for example one entry per invalid field of a request.",
    )


class ErrorResponse(BaseModel):
    """The envelope around an `ErrorModel`: the body of every error answer."""

    error: ErrorModel

    @classmethod
    def create(
        cls, code: int, message: str, details: list[dict[str, Any]] | None = None
    ) -> "ErrorResponse":
        """Build the envelope for a status code, naming the status so clients need no table."""
        try:
            status = HTTPStatus(code).name
        except ValueError:
            status = "UNKNOWN"
        return cls(
            error=ErrorModel(code=code, status=status, message=message, details=details or [])
        )


# What the OpenAPI schema declares for every endpoint of the application: any 4xx or 5xx answer
# is the envelope (instead of FastAPI's own shape for 422), so clients and schema checkers know.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorResponse, "description": "The request was refused: the error envelope."},
    "5XX": {"model": ErrorResponse, "description": "The server failed: the error envelope."},
}
