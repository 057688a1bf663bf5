"""What the app tells apart when the database is down (the whole story is in
``tests/test_deployment.py``, which stops and starts a real PostgreSQL cluster)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from dermadash.storage import db
from tests.live_server import free_port


def test_a_database_that_does_not_answer_is_told_apart_from_a_faulty_request(
    sqlite_engine: Engine,
) -> None:
    closed = db.make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none")
    assert db.answers(closed) is False
    with pytest.raises(OperationalError) as raised, closed.connect() as connection:
        connection.execute(text("SELECT 1"))
    assert db.is_unreachable(raised.value)
    closed.dispose()

    assert db.answers(sqlite_engine) is True
    with pytest.raises(IntegrityError) as refused, sqlite_engine.begin() as connection:
        connection.execute(text("INSERT INTO profiles (id) VALUES (NULL)"))
    assert not db.is_unreachable(refused.value)
    assert not db.is_unreachable(ValueError("not a database problem"))
