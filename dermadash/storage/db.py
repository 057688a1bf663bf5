"""The database: one engine per URL, SQLite tuned for a small app, migrations on start."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from dermadash.settings import database_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
WRITE_OPTION = "dermadash_writes"
# The PostgreSQL advisory lock held while the schema is migrated: any fixed 64-bit number
# that no other program on the same database uses ("dermad" in ASCII).
MIGRATION_LOCK_KEY = 0x6465726D6164
APPLIED_ATTRIBUTE = "dermadash_applied_revisions"
LOGGER = logging.getLogger("dermadash")
T = TypeVar("T")


UNREACHABLE_MESSAGE = (
    "The database is not reachable right now. Nothing was lost: everything saved before "
    "is safe, and what you were saving just now was not saved, not even in part. Please "
    "try again in a moment (this page also tries again on its own)."
)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be opened or brought up to date; the message is for people."""


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (default: the configured database), creating SQLite's folder."""
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseUnavailable(
                f"The folder {folder} for the database cannot be created. Check that "
                "DERMADASH_DATABASE_URL points to a place you can write to."
            ) from error
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _tune_sqlite(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # pysqlite opens transactions lazily; let SQLAlchemy emit BEGIN itself so
        # "BEGIN IMMEDIATE" below takes the write lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        # A write takes the write lock up front (no deadlock when two writers upgrade
        # at once); a read stays deferred, so readers never wait for one another.
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed together or not at all."""
    with session_factory(engine.execution_options(**{WRITE_OPTION: True})).begin() as session:
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A session for reads only (on SQLite it takes no write lock)."""
    with Session(engine) as session:
        yield session


def with_retry(work: Callable[[], T], attempts: int = 5) -> T:
    """Run ``work``, retrying when SQLite reports the database as locked."""
    for attempt in range(attempts):
        try:
            return work()
        except OperationalError as error:
            if "locked" not in str(error).lower() or attempt == attempts - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")


def is_unreachable(error: BaseException) -> bool:
    """Whether ``error`` means the database could not be reached (stopped, restarting,
    the network gone, or SQLite busy), rather than a fault in what was asked of it.

    Any transaction open at the time was rolled back: nothing was half-written.
    """
    return isinstance(error, OperationalError | InterfaceError)


def answers(engine: Engine) -> bool:
    """Whether the database answers a trivial query now."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, InterfaceError):
        return False
    return True


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> list[str]:
    """Create or upgrade the schema; the revisions this call applied (none when another
    process, e.g. a replica starting at the same time, already did it).

    Raises a plain-worded DatabaseUnavailable when that fails.
    """
    config = alembic_config(engine)
    try:
        command.upgrade(config, revision)
    except OperationalError as error:
        raise DatabaseUnavailable(
            "The database could not be opened or updated. Check that "
            "DERMADASH_DATABASE_URL points to a database you can write to."
        ) from error
    applied: list[str] = config.attributes.get(APPLIED_ATTRIBUTE, [])
    if applied:
        LOGGER.info("Database schema upgraded to %s", ", ".join(applied))
    return applied


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def describe_url(engine: Engine) -> str:
    """The database's URL with any password hidden, fit to print."""
    return engine.url.render_as_string(hide_password=True)
