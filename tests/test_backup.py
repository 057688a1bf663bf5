"""Backup and restore: lossless round trips on both databases, older formats, refusals."""

from __future__ import annotations

import base64
import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from dermadash import photos
from dermadash.rules import safety_questions
from dermadash.rules.protocol import load_protocol
from dermadash.sharing import share_links
from dermadash.storage import queries
from dermadash.storage.db import transaction
from dermadash.storage.models import Profile, ShareLink, ShareLinkView
from dermadash.storage.profiles import ProfileSettings, create_profile, load_profile
from dermadash.storage.records import RollerInput, add_roller
from dermadash.storage.validation import ValidationError
from dermadash.transfer import backup, backup_format, file_import
from tests.data_helpers import fill_everything, fresh_database_like, parse_document
from tests.photo_helpers import jpeg_with_gps, png_bytes

FIXTURE_V1 = Path(__file__).parent / "data" / "backup_v1.json"
FIXTURE_V2 = Path(__file__).parent / "data" / "backup_v2.json"
# What a backup of the same data may differ in: when it was made, and by which version.
EXPORT_DETAILS = ("exported_at", "app_version")


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    """The document without when and by what it was made, nor the photos' encoded bytes
    (a restore re-encodes every photo like an upload; their sizes must still match)."""
    kept = copy.deepcopy(document)
    for name in EXPORT_DETAILS:
        kept.pop(name)
    for photo in kept["photos"]:
        photo.pop("jpeg_base64")
    return kept


def restore_bytes(engine: Engine, profile_id: int, data: bytes) -> None:
    parsed = file_import.parse_upload(data, "UTC")
    assert parsed.ok, [problem.describe() for problem in parsed.problems]
    assert parsed.kind == "backup"
    file_import.apply_import(engine, profile_id, parsed)


def test_backup_restore_backup_gives_the_same_document(
    engine: Engine, profile_id: int, database_url: str, tmp_path: Path
) -> None:
    fill_everything(engine, profile_id)
    first = backup.build_backup(engine, profile_id)
    assert len(first["sessions"]) > 25
    assert len(first["share_links"]) == 2
    assert len(first["photos"]) == 3
    with fresh_database_like(database_url, tmp_path) as other:
        target = create_profile(other, ProfileSettings())
        restore_bytes(other, target, backup.dumps(first).encode())
        second = backup.build_backup(other, target)
        assert comparable(second) == comparable(first)
        assert (
            queries.sessions_frame(other, target)
            .drop(columns=["session_id", "roller_id"])
            .equals(
                queries.sessions_frame(engine, profile_id).drop(columns=["session_id", "roller_id"])
            )
        )
        restored = photos.photos_frame(other, target)
        assert [photos.photo_jpeg(other, target, photo) for photo in restored["photo_id"]] == [
            photos.prepare_photo(photos.photo_jpeg(engine, profile_id, photo)).jpeg
            for photo in photos.photos_frame(engine, profile_id)["photo_id"]
        ]


def test_a_backup_never_holds_a_token_or_its_hash(engine: Engine, profile_id: int) -> None:
    fill_everything(engine, profile_id)
    text = backup.dumps(backup.build_backup(engine, profile_id))
    with transaction(engine) as session:
        hashes = session.scalars(select(ShareLink.token_hash)).all()
    assert hashes
    assert "token" not in text
    assert all(token_hash not in text for token_hash in hashes)


def test_restored_share_links_keep_their_views_but_not_their_token(
    engine: Engine, profile_id: int, database_url: str, tmp_path: Path
) -> None:
    fill_everything(engine, profile_id)
    with transaction(engine) as session:
        old_hashes = set(session.scalars(select(ShareLink.token_hash)).all())
    document = backup.build_backup(engine, profile_id)
    with fresh_database_like(database_url, tmp_path) as other:
        target = create_profile(other, ProfileSettings())
        restore_bytes(other, target, backup.dumps(document).encode())
        with transaction(other) as session:
            new_hashes = set(session.scalars(select(ShareLink.token_hash)).all())
            views = session.scalar(select(func.count()).select_from(ShareLinkView))
        assert len(new_hashes) == 2
        assert not new_hashes & old_hashes
        assert views == 2


def test_a_restored_link_is_listed_as_restored_and_its_token_opens_nothing(
    engine: Engine, profile_id: int, database_url: str, tmp_path: Path
) -> None:
    fill_everything(engine, profile_id)
    new = share_links.create_link(engine, profile_id, "Dr Rivera", days=30)
    assert share_links.resolve_token(engine, new.token) is not None
    document = backup.build_backup(engine, profile_id)
    with fresh_database_like(database_url, tmp_path) as other:
        target = create_profile(other, ProfileSettings())
        restore_bytes(other, target, backup.dumps(document).encode())
        assert share_links.resolve_token(other, new.token) is None
        links = share_links.list_links(other, target)
        statuses = dict(zip(links["label"], links["status"], strict=True))
        # The link that was active is now "restored"; a revoked one stays revoked.
        assert statuses["Dr Rivera"] == share_links.RESTORED
        assert "active" not in statuses.values()
        assert "revoked" in statuses.values()
        # Backed up again, the document is the same: the mark is not part of a backup.
        assert comparable(backup.build_backup(other, target)) == comparable(document)


def test_the_stored_version_1_backup_restores(engine: Engine, profile_id: int) -> None:
    stored = json.loads(FIXTURE_V1.read_text())
    restore_bytes(engine, profile_id, FIXTURE_V1.read_bytes())
    restored = backup.build_backup(engine, profile_id)
    assert stored["format_version"] == 1
    assert comparable(restored) == comparable(backup.upgrade_document(stored))
    assert (restored["format_version"], restored["photos"]) == (backup.FORMAT_VERSION, [])
    me = load_profile(engine, profile_id)
    assert (me.display_name, me.timezone, me.prescribed_interval_days) == (
        "Alex",
        "America/New_York",
        14,
    )
    sessions = queries.sessions_frame(engine, profile_id)
    assert sessions["roller_name"].tolist()[:2] == ["Starter 0.25", "Titanium"]
    assert sessions["side_effect"].tolist()[1] == "bruising"


def test_the_safety_answers_and_each_link_s_choices_survive_a_restore(
    engine: Engine, profile_id: int, database_url: str, tmp_path: Path
) -> None:
    fill_everything(engine, profile_id)
    answered = load_profile(engine, profile_id).safety_answered_at
    assert answered is not None
    with fresh_database_like(database_url, tmp_path) as other:
        target = create_profile(other, ProfileSettings())
        assert not safety_questions.is_answered(load_profile(other, target))
        restore_bytes(other, target, backup.dumps(backup.build_backup(engine, profile_id)).encode())
        # Answered once, not asked again after moving to a new server.
        assert load_profile(other, target).safety_answered_at == answered
        assert safety_questions.is_answered(load_profile(other, target))
        with transaction(other) as session:
            restored = {
                link.label: (link.include_notes, link.include_photos, link.since_date)
                for link in session.scalars(select(ShareLink).where(ShareLink.profile_id == target))
            }
        assert restored == {
            "Dr Okafor": (True, True, date(2025, 12, 1)),
            "Old clinic": (False, False, None),
        }


def test_the_stored_version_2_backup_restores_with_the_questions_still_to_answer(
    engine: Engine, profile_id: int
) -> None:
    """Version 2 had no time of the safety answers nor a link's notes and first day: they
    read as not answered (the app asks), no notes, the whole course."""
    stored = json.loads(FIXTURE_V2.read_text())
    assert stored["format_version"] == 2
    restore_bytes(engine, profile_id, FIXTURE_V2.read_bytes())
    restored = backup.build_backup(engine, profile_id)
    assert comparable(restored) == comparable(backup.upgrade_document(stored))
    assert restored["format_version"] == backup.FORMAT_VERSION
    assert len(restored["photos"]) == len(stored["photos"]) == 1
    assert restored["profile"]["safety_answered_at"] is None
    assert not safety_questions.is_answered(load_profile(engine, profile_id))
    assert [(link["include_notes"], link["since_date"]) for link in restored["share_links"]] == [
        (False, None)
    ] * len(stored["share_links"])
    assert (
        restored["profile"]["isotretinoin_last_dose"] == stored["profile"]["isotretinoin_last_dose"]
    )


def test_upgrade_steps_run_in_order_from_the_document_version() -> None:
    stored = json.loads(FIXTURE_V1.read_text())

    def rename_label(section: str, record: dict[str, Any]) -> dict[str, Any]:
        return {**record, "name": record["label"]} if section == "share_links" else record

    steps = {
        1: backup_format.Upgrade(adds_sections=("photos",)),
        2: backup_format.Upgrade(record=rename_label, adds_sections=("notes",)),
    }
    upgraded = backup.upgrade_document(stored, steps, current=3)
    assert upgraded["format_version"] == 3
    assert (upgraded["photos"], upgraded["notes"]) == ([], [])
    assert upgraded["share_links"][0]["name"] == upgraded["share_links"][0]["label"]
    assert "photos" not in stored  # the stored document is left as it was


def test_version_1_records_upgrade_one_by_one_to_the_current_format() -> None:
    stored = json.loads(FIXTURE_V1.read_text())
    assert (
        backup_format.upgrade_record("sessions", stored["sessions"][0], 1)
        == (stored["sessions"][0])
    )
    upgraded = backup.upgrade_document(stored)
    assert upgraded["format_version"] == backup.FORMAT_VERSION
    backup_format.BackupDocument.model_validate(upgraded)


def test_a_newer_format_is_refused_in_plain_words() -> None:
    document = json.loads(FIXTURE_V1.read_text())
    document["format_version"] = backup.FORMAT_VERSION + 1
    content, problems = parse_document(document)
    assert content is None
    assert "newer version of dermadash" in problems[0].message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda doc: doc["sessions"][0].update(pain=12), "Session 1, pain: Pain must be"),
        (
            lambda doc: doc["sessions"][1].update(roller_ref=9),
            "Session 2, roller_ref: 9 names no roller",
        ),
        (
            lambda doc: doc["sessions"][2].update(started_at="yesterday"),
            "Session 3, started_at: is not a date and time",
        ),
        (
            lambda doc: doc["sessions"][2].update(started_at="2025-03-20T01:45:30"),
            "Session 3, started_at: must include a time zone",
        ),
        (
            lambda doc: doc["scar_ratings"][0].update(severity="7"),
            "Scar rating 1, severity: has the wrong type: it must be a whole number",
        ),
        (lambda doc: doc.update(rollers="none"), "The backup, rollers: must be a list"),
        (
            lambda doc: doc["profile"].update(timezone="Mars/Base"),
            "Profile, timezone: 'Mars/Base' is not a time zone we know",
        ),
        (
            lambda doc: doc["sessions"][0]["check_in"].update(notes="bad \ud800 text"),
            "Session 1, check_in.notes: holds a broken character (a lone surrogate)",
        ),
        (
            lambda doc: doc["sessions"][0].update(import_key="k" * 65),
            "Session 1, import_key: must be at most 64 characters (it has 65)",
        ),
        (
            lambda doc: doc["profile"]["rule_overrides"].update({"too-many-passes.max_passes": 40}),
            "Profile, rule_overrides: Most passes in one direction must stay between 1 passes "
            "and 10 passes",
        ),
        (
            lambda doc: doc["profile"].update(rule_overrides={"too_many_passes": 8}),
            "Profile, rule_overrides: 'too_many_passes' is not a threshold of the protocol",
        ),
        (
            lambda doc: doc["profile"].update(rule_overrides={"a": _nested(900)}),
            "Profile: nests values 902 levels deep",
        ),
        (
            lambda doc: doc["sessions"][0].update(needle_mm=True),
            "Session 1, needle_mm: has the wrong type: it must be a number",
        ),
        (lambda doc: doc["rollers"][1].update(ref=1), "Roller 2, ref: 1 is used by another"),
        (
            lambda doc: doc["sessions"][0].update(colour="red"),
            "Session 1, colour: is not part of the backup format",
        ),
        (
            lambda doc: doc["share_links"][1]["views"].append({"viewed_at": 5}),
            "Share link 2, view 3, viewed_at: has the wrong type",
        ),
    ],
)
def test_a_damaged_backup_lists_its_problems(change: Any, expected: str) -> None:
    document = json.loads(FIXTURE_V1.read_text())
    change(document)
    content, problems = parse_document(document)
    assert content is None
    assert any(expected in problem.describe() for problem in problems), problems


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


HOSTILE = {
    "lone surrogate": lambda doc: doc["sessions"][0].update(notes="\ud800"),
    "import key too long": lambda doc: doc["sessions"][0].update(import_key="k" * 65),
    "override out of bounds": lambda doc: doc["profile"].update(
        rule_overrides={"redness-too-long.warning_hours": 5000}
    ),
    "unknown override": lambda doc: doc["profile"].update(rule_overrides={"sleep.hours": 8}),
    "deep nesting": lambda doc: doc["profile"].update(rule_overrides={"x": _nested(900)}),
    "wrong type": lambda doc: doc["rollers"][0].update(needle_mm="0.25"),
}


@pytest.mark.parametrize("damage", list(HOSTILE), ids=list(HOSTILE))
def test_a_hostile_backup_is_refused_with_a_message_and_writes_nothing(
    engine: Engine, profile_id: int, damage: str
) -> None:
    document = json.loads(FIXTURE_V1.read_text())
    HOSTILE[damage](document)
    data = json.dumps(document).encode()  # ASCII escapes, as a hand-made file has them
    parsed = file_import.parse_upload(data, "UTC")
    assert parsed.kind == "backup"
    assert not parsed.ok
    assert all(
        problem.message and "Traceback" not in problem.message for problem in parsed.problems
    )
    # Even a restore forced past the check refuses in words and writes nothing.
    forced = backup.BackupContent(2, data, dict.fromkeys(backup.PLACE_NAMES, 1))
    with pytest.raises(ValidationError):
        backup.restore_backup(engine, profile_id, forced)
    assert queries.session_count(engine, profile_id) == 0
    assert backup.build_backup(engine, profile_id)["rollers"] == []
    assert load_profile(engine, profile_id).rule_overrides == {}


def _version_2_with_a_photo(photo: dict[str, Any]) -> dict[str, Any]:
    document = backup.upgrade_document(json.loads(FIXTURE_V1.read_text()))
    jpeg = base64.b64encode(photos.prepare_photo(png_bytes()).jpeg).decode()
    document["photos"] = [{"rating_ref": 1, "jpeg_base64": jpeg, "width": 640, "height": 480}]
    document["photos"][0].update(photo)
    return document


@pytest.mark.parametrize(
    ("photo", "expected"),
    [
        ({"rating_ref": 99}, "Photo 1, rating_ref: 99 names no scar rating"),
        ({"jpeg_base64": "not base64!"}, "Photo 1, jpeg_base64: is not valid base64"),
        (
            {"jpeg_base64": base64.b64encode(b"plain text").decode()},
            "Photo 1, jpeg_base64: This file is not a photo",
        ),
        ({"jpeg_base64": None}, "Photo 1, jpeg_base64: is missing"),
    ],
)
def test_a_damaged_photo_in_a_backup_is_named(photo: dict[str, Any], expected: str) -> None:
    content, problems = parse_document(_version_2_with_a_photo(photo))
    assert content is None
    assert any(expected in problem.describe() for problem in problems), problems


def test_a_hand_made_backup_cannot_bring_a_location_in(engine: Engine, profile_id: int) -> None:
    with_gps = base64.b64encode(jpeg_with_gps((640, 480))).decode()
    document = _version_2_with_a_photo({"jpeg_base64": with_gps})
    restore_bytes(engine, profile_id, backup.dumps(document).encode())
    [photo_id] = photos.photos_frame(engine, profile_id)["photo_id"].tolist()
    stored = photos.photo_jpeg(engine, profile_id, photo_id)
    assert b"Exif" not in stored
    assert backup.build_backup(engine, profile_id)["photos"][0]["jpeg_base64"] != with_gps


@pytest.mark.parametrize(
    "data", [b"{not json", b'{"format": "something else"}', b"{}", '{"a": 1}'.encode("utf-16")]
)
def test_not_a_backup(data: bytes) -> None:
    content, problems = backup.parse_backup(data)
    assert content is None
    assert problems


def test_restoring_into_a_profile_with_entries_is_refused(engine: Engine, profile_id: int) -> None:
    add_roller(engine, profile_id, RollerInput("Mine", 0.25))
    parsed = file_import.parse_upload(FIXTURE_V1.read_bytes(), "UTC")
    plan = file_import.plan_import(engine, profile_id, parsed)
    assert plan.refusal is not None
    assert "empty profile" in plan.refusal
    with pytest.raises(backup.RestoreRefused):
        file_import.apply_import(engine, profile_id, parsed)
    assert queries.session_count(engine, profile_id) == 0
    assert load_profile(engine, profile_id).display_name == "Sam"


def test_overrides_stored_unchecked_by_an_older_restore_back_up_as_they_took_effect(
    engine: Engine, profile_id: int
) -> None:
    with transaction(engine) as session:
        profile = session.get(Profile, profile_id)
        assert profile is not None
        profile.rule_overrides = {
            "too_many_passes": 8,  # names no threshold: the engine ignored it
            "redness-too-long.warning_hours": 5000,  # out of bounds: the engine clamped it
            "too-many-passes.max_passes": 4,
        }
    document = backup.build_backup(engine, profile_id)
    clamped = load_protocol().threshold("redness-too-long.warning_hours").maximum
    assert document["profile"]["rule_overrides"] == {
        "redness-too-long.warning_hours": clamped,
        "too-many-passes.max_passes": 4,
    }
    content, problems = parse_document(document)
    assert content is not None, problems
