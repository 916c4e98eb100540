"""The base of every model: the tables' metadata, an `id` key and `created_at`/`updated_at`.

A model is a subclass of `Model`, with `TimestampMixin` first when it wants the timestamps:

    class Article(TimestampMixin, Model):
        __tablename__ = "articles"

        title: Mapped[str] = mapped_column(String(200))
"""

from datetime import datetime, timezone

from sqlalchemy import DateTime, Dialect, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Constraints and indexes named by rule, not by each database's own scheme: a migration written
# on SQLite then names the same constraint on PostgreSQL, so it can drop or alter it by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A moment, timezone-aware in UTC whatever the database.

    PostgreSQL keeps the zone (`timestamp with time zone`), SQLite keeps the text of the moment
    without it: what it reads back would be naive, and a moment written with another offset
    would read back as UTC. So every moment is written in UTC and read back as UTC. The column
    is `DateTime(timezone=True)` to the database and to migrations (see migrations/env.py).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value  # naive moments are taken to be UTC already
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    """The declarative base: `Base.metadata` holds every table of the application."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Model(Base):
    """A table with an integer primary key `id`."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True)


class TimestampMixin:
    """When a row was created and last updated, set by the database, read back in UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), server_default=func.now(), onupdate=func.now()
    )
