"""The errors a service raises: what went wrong in the application's own terms.

Services know nothing of HTTP; the application's exception handlers turn each of these into
its answer in the error envelope (see app/exceptions/http.py): `RecordNotFound` 404,
`RecordConflict` 409, `RecordInvalid` 422. `save_changes` turns what the database refuses
into them.
"""

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession


class ServiceError(Exception):
    """The base of the services' errors; `message` is said to the client as it is."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RecordNotFound(ServiceError):
    """No record has the id asked for."""

    status_code = 404


class RecordConflict(ServiceError):
    """The change breaks a constraint of the table: a unique value taken, a referenced record
    missing, a required value left empty."""

    status_code = 409


class RecordInvalid(ServiceError):
    """The database refuses a value it cannot store (out of its range, or not representable)."""

    status_code = 422


async def save_changes(session: AsyncSession, record: str) -> None:
    """Send the session's changes to the database (the session's owner commits them); what the
    database refuses raises RecordConflict or RecordInvalid, naming the `record`."""
    try:
        await session.flush()
    except IntegrityError as error:
        raise RecordConflict(
            f"The {record} breaks a constraint of its table: a unique value is taken, a "
            "required value is missing, or a referenced record does not exist."
        ) from error
    except (DBAPIError, OverflowError) as error:
        # SQLite's driver lets an integer beyond 64 bits through as a bare OverflowError.
        raise RecordInvalid(f"The database cannot store a value of the {record}.") from error
