"""The values of the models' columns as the views read and write them.

A model's views parse request bodies in pydantic's strict mode (`"1"` is not an integer, nor
`1` a boolean) and their OpenAPI schema says exactly what they accept. FastAPI validates a body
as the Python data decoded from its JSON: there strict mode would refuse the strings that carry
dates, times, decimals and UUIDs, and lax mode would take more than the schema says (`0` or `"0"`
as a Unix time for a date). So each type here takes its one string format, as the schema words
it, or a value of its Python type (a view read from a model), and nothing else; integers are
whole JSON numbers (`2.0` is one, as JSON Schema says), bounded as their columns are.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    Strict,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

# Formats as RFC 3339 spells them (JSON Schema's `date`, `date-time`, and a time of day without
# an offset), with ASCII digits only, matched whole.
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
MOMENT = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
TIME_OF_DAY = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?$"
# PostgreSQL cannot store the NUL character in a text column.
NO_NUL = r"^[^\x00]*$"


def _formatted(pattern: str, kind: type, example: str) -> BeforeValidator:
    """Take a string in the format `pattern`, or a value of the Python type `kind`."""

    def check(value: object) -> object:
        if isinstance(value, kind) or (isinstance(value, str) and re.fullmatch(pattern, value)):
            return value
        raise ValueError(f"Input should be a string like {example!r}")

    return BeforeValidator(check)


def _whole(value: object) -> int:
    """A JSON integer: a whole number, which JSON may also write `2.0`; no string or boolean."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise ValueError("Input should be a whole number")


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError("Input should be a moment between the years 1 and 9999 in UTC") from None


Text = Annotated[str, Field(pattern=NO_NUL)]
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1), BeforeValidator(_whole)]
# A 64-bit column's value, within the integers every JSON parser keeps exact (JavaScript's
# MAX_SAFE_INTEGER): a number read as a double beyond them would be rounded without a word.
Int64 = Annotated[int, Field(ge=-(2**53 - 1), le=2**53 - 1), BeforeValidator(_whole)]
# A foreign key: the id of a record of another table.
Reference = Annotated[int, Field(ge=1, le=2**31 - 1), BeforeValidator(_whole)]
Day = Annotated[date, Strict(False), _formatted(DATE, date, "2024-12-31")]
# A moment with its offset, given back in UTC.
Moment = Annotated[
    AwareDatetime,
    Strict(False),
    _formatted(MOMENT, datetime, "2024-12-31T23:59:00+01:00"),
    AfterValidator(_in_utc),
]
# A time of day, without an offset (the `time` format of JSON Schema requires one).
TimeOfDay = Annotated[
    time,
    Strict(False),
    _formatted(TIME_OF_DAY, time, "23:59:00"),
    WithJsonSchema({"type": "string", "pattern": TIME_OF_DAY}),
]
Uuid = Annotated[UUID, Strict(False)]
Binary = Annotated[bytes, Strict(False)]


@dataclass(frozen=True)
class Digits:
    """A decimal number as a string of at most `precision` digits, `scale` of them after the
    point: `Annotated[Decimal, Digits(10, 2)]` takes `"-12345678.90"`. A string, because a JSON
    number is read as a binary float, and the digits of money must not change on the way."""

    precision: int
    scale: int

    @property
    def pattern(self) -> str:
        whole = self.precision - self.scale
        integer = f"[0-9]{{1,{whole}}}" if whole else "0"
        fraction = rf"(\.[0-9]{{1,{self.scale}}})?" if self.scale else ""
        return f"^-?{integer}{fraction}$"

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # A Decimal's digits are counted by pydantic-core (in Rust): a view read from a model
        # pays no regular expression per value.
        digits = core_schema.decimal_schema(max_digits=self.precision, decimal_places=self.scale)
        return core_schema.no_info_before_validator_function(self._decimal, digits)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": self.pattern}

    def _decimal(self, value: object) -> Decimal:
        if isinstance(value, Decimal):
            return value
        if not isinstance(value, str) or not re.fullmatch(self.pattern, value):
            raise ValueError(
                f"Input should be a string of at most {self.precision} digits, "
                f"{self.scale} after the point"
            )
        return Decimal(value)
