"""Alembic environment: runs on the engine dermadash hands over, or on the configured URL."""

from __future__ import annotations

from alembic import context

from dermadash.db import WRITE_OPTION, make_engine
from dermadash.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    engine = config.attributes.get("engine") or make_engine()
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


run_migrations()
