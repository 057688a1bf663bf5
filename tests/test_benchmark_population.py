"""The clinic-scale benchmark's data: the timed person's rows sit among everyone else's."""

from __future__ import annotations

import itertools

from sqlalchemy import Engine, select

from benchmarks.population import populate
from dermadash.storage.models import CheckIn, RollingSession, SessionArea


def test_the_timed_persons_sessions_are_interleaved_with_the_others(engine: Engine) -> None:
    person = populate(engine, profiles=6, sessions_per_other_profile=10, person_sessions=25)
    with engine.connect() as connection:
        owners = list(
            connection.scalars(select(RollingSession.profile_id).order_by(RollingSession.id))
        )
        check_ins = connection.scalar(select(CheckIn.session_id).limit(1))
        areas = set(connection.scalars(select(SessionArea.session_id)))
    assert owners.count(person) == 25
    assert len(owners) == 25 + 5 * 10
    mine = [position for position, owner in enumerate(owners) if owner == person]
    # Not one block first: the person's sessions are spread from start to end.
    assert mine[0] < 10
    assert mine[-1] > len(owners) - 10
    runs = sum(1 for a, b in itertools.pairwise(mine) if b != a + 1)
    assert runs >= 5
    assert check_ins is not None
    assert areas == set(range(1, len(owners) + 1))  # every session kept its areas
