"""The base of every model: the tables' metadata, an `id` key and `created_at`/`updated_at`.

A model is a subclass of `Model`, with `TimestampMixin` first when it wants the timestamps:

    class Article(TimestampMixin, Model):
        __tablename__ = "articles"

        title: Mapped[str] = mapped_column(String(200))
"""

from datetime import datetime

from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraints and indexes named by rule, not by each database's own scheme: a migration written
# on SQLite then names the same constraint on PostgreSQL, so it can drop or alter it by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The declarative base: `Base.metadata` holds every table of the application."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Model(Base):
    """A table with an integer primary key `id`."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True)


class TimestampMixin:
    """When a row was created and last updated, set by the database (timezone-aware columns).

    SQLite stores these as UTC without a zone: the values read back from it are naive.
    """

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
