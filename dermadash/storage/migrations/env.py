"""Alembic environment: runs on the engine dermadash hands over, or on the configured URL."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection, text

from dermadash.storage.db import APPLIED_ATTRIBUTE, MIGRATION_LOCK_KEY, WRITE_OPTION, make_engine
from dermadash.storage.models import Base

config = context.config
target_metadata = Base.metadata


def wait_for_other_migrations(connection: Connection) -> None:
    """Replicas starting at once: one migrates, the others wait, then find it done.

    On PostgreSQL a transaction-level advisory lock serialises them (released at commit
    or rollback, so a crashed replica never leaves it held); the current revision is
    read only after it is taken. SQLite's ``BEGIN IMMEDIATE`` (``WRITE_OPTION``) already
    takes the write lock before anything is read.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})


def record_upgrades(applied: list[str]) -> Any:
    """Alembic's ``on_version_apply`` hook: note each revision this run upgrades to."""

    def on_version_apply(*, step: Any, **_: Any) -> None:
        if step.is_upgrade:
            applied.append(step.up_revision_id)

    return on_version_apply


def run_migrations() -> None:
    engine = config.attributes.get("engine") or make_engine()
    applied = config.attributes.setdefault(APPLIED_ATTRIBUTE, [])
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        wait_for_other_migrations(connection)
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            on_version_apply=record_upgrades(applied),
        )
        context.run_migrations()


run_migrations()
