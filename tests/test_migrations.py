"""Models and migrations agree, and every migration goes up and down on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect

from dermadash.storage import db


def test_models_and_migrations_agree(engine: Engine) -> None:
    command.check(db.alembic_config(engine))  # raises when autogenerate finds a difference


def test_upgrade_downgrade_upgrade(engine: Engine) -> None:
    assert db.current_revision(engine) == db.head_revision()
    db.downgrade(engine, "base")
    assert db.current_revision(engine) is None
    assert "sessions" not in inspect(engine).get_table_names()
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    assert {"profiles", "sessions", "check_ins", "share_links"} <= set(
        inspect(engine).get_table_names()
    )


def test_upgrade_twice_is_harmless(engine: Engine) -> None:
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()


def test_an_unwritable_database_gets_a_plain_message(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(db.DatabaseUnavailable, match="DERMADASH_DATABASE_URL"):
        db.upgrade(db.make_engine(f"sqlite:///{blocker / 'dermadash.storage.db'}"))


def test_an_unreachable_server_gets_a_plain_message() -> None:
    engine = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(db.DatabaseUnavailable, match="could not be opened"):
        db.upgrade(engine)
