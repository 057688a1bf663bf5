"""Deleting all of a profile's data: only after the typed confirmation, only that profile."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from dermadash.storage import erase, queries
from dermadash.storage.db import transaction
from dermadash.storage.models import CheckIn, SessionArea, ShareLink, ShareLinkView
from dermadash.storage.profiles import ProfileSettings, create_profile, load_profile
from dermadash.storage.validation import ValidationError
from dermadash.transfer import backup
from tests.data_helpers import fill_everything


def count(engine: Engine, model: type) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("typed", ["", "delete", "yes", "Sam"])
def test_without_the_confirmation_nothing_is_deleted(
    engine: Engine, profile_id: int, typed: str
) -> None:
    fill_everything(engine, profile_id)  # renames the profile to "Sam Ångström"
    before = backup.build_backup(engine, profile_id)
    with pytest.raises(ValidationError, match="Type DELETE"):
        erase.erase_profile_data(engine, profile_id, typed)
    after = backup.build_backup(engine, profile_id)
    assert {**after, "exported_at": ""} == {**before, "exported_at": ""}


@pytest.mark.parametrize("typed", ["DELETE", " Sam Ångström "])
def test_delete_removes_everything_of_that_profile_only(
    engine: Engine, profile_id: int, typed: str
) -> None:
    fill_everything(engine, profile_id)
    other = create_profile(engine, ProfileSettings(display_name="Other"))
    fill_everything(engine, other)
    sessions_of_other = queries.session_count(engine, other)
    counts = erase.erase_profile_data(engine, profile_id, typed)
    assert counts.sessions > 25
    assert counts.share_links == 2
    assert "Deleted" in counts.describe()
    assert not queries.has_any_entries(engine, profile_id)
    me = load_profile(engine, profile_id)
    assert me.display_name == "Me"
    assert me.prescribed_interval_days is None
    assert me.isotretinoin_last_dose is None
    assert me.rule_overrides == {}
    assert me.timezone == "Europe/London"
    assert queries.session_count(engine, other) == sessions_of_other
    # Children went with their parents, the other profile's stayed.
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(ShareLink)) == 2
    assert count(engine, ShareLinkView) == 2
    assert count(engine, SessionArea) == len(queries.session_areas_frame(engine, other))
    assert count(engine, CheckIn) == int(
        queries.sessions_frame(engine, other)["has_check_in"].sum()
    )
