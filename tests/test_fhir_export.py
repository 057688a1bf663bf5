"""The FHIR R4 export: a demo profile's Bundle, read back, against the database."""

from __future__ import annotations

import base64
import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import Engine

from dermadash import demo, photos
from dermadash.rules import flagging
from dermadash.sharing import share_links
from dermadash.storage import queries
from dermadash.storage.profiles import default_profile_id
from dermadash.transfer import fhir_export
from dermadash.transfer.fhir_export import FhirChoice
from tests.conftest import DEMO_TODAY
from tests.data_helpers import fill_everything
from tests.test_cli_foundation import run_cli


def read_back(data: bytes) -> list[dict[str, Any]]:
    """The Bundle's resources, after every one has validated with fhir.resources."""
    bundle = Bundle.model_validate_json(data)
    assert bundle.type == "collection"
    document = json.loads(data)
    urls = [entry["fullUrl"] for entry in document["entry"]]
    assert len(set(urls)) == len(urls)
    return [entry["resource"] | {"fullUrl": entry["fullUrl"]} for entry in document["entry"]]


def of_type(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [resource for resource in resources if resource["resourceType"] == kind]


def coded(resources: list[dict[str, Any]], code: str) -> list[dict[str, Any]]:
    return [r for r in resources if r.get("code", {}).get("coding", [{}])[0].get("code") == code]


def test_a_demo_profiles_bundle_matches_the_database(engine: Engine, profile_id: int) -> None:
    fill_everything(engine, profile_id)
    resources = read_back(fhir_export.bundle_json(engine, profile_id))
    sessions = queries.sessions_frame(engine, profile_id)
    ratings = queries.scar_ratings_frame(engine, profile_id)
    rollers = queries.rollers_frame(engine, profile_id)
    flags = flagging.profile_flags(engine, profile_id)

    [patient] = of_type(resources, "Patient")
    assert {key for key in patient if key != "fullUrl"} == {"resourceType", "name"}
    assert patient["name"] == [{"text": "Sam Ångström"}]

    procedures = of_type(resources, "Procedure")
    assert len(procedures) == len(sessions) > 25
    first = sessions.iloc[0]
    assert pd.Timestamp(procedures[0]["performedDateTime"]) == first["started_at"]
    assert [site["text"] for site in procedures[0]["bodySite"]] == first["areas"]

    devices = of_type(resources, "Device")
    assert sorted(d["property"][0]["valueQuantity"][0]["value"] for d in devices) == sorted(
        rollers["needle_mm"]
    )
    assert {d["deviceName"][0]["name"] for d in devices} == set(rollers["name"])
    device_urls = {d["fullUrl"] for d in devices}
    used = [ref["reference"] for p in procedures for ref in p.get("usedReference", [])]
    assert used
    assert set(used) <= device_urls

    observations = of_type(resources, "Observation")
    pain = coded(observations, "72514-3")
    assert [o["valueInteger"] for o in pain] == sessions["pain"].dropna().astype(int).tolist()
    procedure_urls = {p["fullUrl"] for p in procedures}
    assert all(o["partOf"][0]["reference"] in procedure_urls for o in pain)
    redness = coded(observations, "redness-duration")
    assert [o["valueQuantity"]["value"] for o in redness] == (
        sessions["redness_hours"].dropna().tolist()
    )
    assert {o["valueQuantity"]["code"] for o in redness} == {"h"}
    stinging = coded(observations, "stinging-duration")
    assert len(stinging) == sessions["stinging_minutes"].notna().sum()
    assert {o["valueQuantity"]["code"] for o in stinging} == {"min"}
    severity = coded(observations, "scar-severity")
    assert [
        (o["effectiveDateTime"], o["bodySite"]["text"], o["valueInteger"]) for o in severity
    ] == [(row.rated_on.isoformat(), row.area, row.severity) for row in ratings.itertuples()]

    side_effects = sessions["side_effect"].dropna()
    events = of_type(resources, "AdverseEvent")
    assert len(events) == (side_effects != "none").sum() > 0
    assert Counter(e["event"]["coding"][0]["code"] for e in events) == Counter(
        side_effects[side_effects != "none"]
    )

    issues = of_type(resources, "DetectedIssue")
    assert len(issues) == len(flags) > 0
    assert Counter(i["code"]["coding"][0]["code"] for i in issues) == Counter(flags["rule"])
    mapped = {"critical": "high", "warning": "moderate", "info": "low"}
    assert Counter(i["severity"] for i in issues) == Counter(flags["severity"].map(mapped))

    assert of_type(resources, "Media") == []  # photos only when asked


def test_photos_only_when_asked_and_as_stored(engine: Engine, profile_id: int) -> None:
    fill_everything(engine, profile_id)
    stored = photos.photos_frame(engine, profile_id)
    resources = read_back(fhir_export.bundle_json(engine, profile_id, FhirChoice(True)))
    media = of_type(resources, "Media")
    assert [base64.b64decode(m["content"]["data"]) for m in media] == [
        photos.photo_jpeg(engine, profile_id, photo) for photo in stored["photo_id"]
    ]
    media_urls = {m["fullUrl"] for m in media}
    derived = [
        ref["reference"]
        for o in coded(of_type(resources, "Observation"), "scar-severity")
        for ref in o.get("derivedFrom", [])
    ]
    assert sorted(derived) == sorted(media_urls)


def test_notes_and_the_period_follow_the_choice(engine: Engine, profile_id: int) -> None:
    fill_everything(engine, profile_id)
    everything = fhir_export.bundle_json(engine, profile_id)
    assert "ünïcode" in everything.decode()
    without_notes = fhir_export.bundle_json(engine, profile_id, FhirChoice(include_notes=False))
    assert "ünïcode" not in without_notes.decode()
    since = date(2026, 2, 1)
    recent = read_back(fhir_export.bundle_json(engine, profile_id, FhirChoice(since=since)))
    sessions = queries.sessions_frame(engine, profile_id)
    local_days = sessions["started_at"].dt.tz_convert("UTC").dt.date
    assert len(of_type(recent, "Procedure")) == (local_days >= since).sum()
    assert all(
        i["identifiedDateTime"] >= since.isoformat() for i in of_type(recent, "DetectedIssue")
    )


def test_export_what_fhir_writes_a_bundle(sqlite_url: str, tmp_path: Path) -> None:
    from dermadash.storage import db

    engine = db.make_engine(sqlite_url)
    db.upgrade(engine)
    demo.load_demo(engine, default_profile_id(engine), today=DEMO_TODAY)
    engine.dispose()
    out = tmp_path / "record.json"
    result = run_cli(sqlite_url, "export", str(out), "--what", "fhir")
    assert result.returncode == 0, result.stderr
    assert "FHIR R4 Bundle" in result.stdout
    resources = read_back(out.read_bytes())
    assert len(of_type(resources, "Procedure")) > 20


def test_a_share_link_gets_its_notes_and_its_period_only(engine: Engine, profile_id: int) -> None:
    fill_everything(engine, profile_id)
    since = date(2026, 2, 1)
    for include_notes in (False, True):
        new = share_links.create_link(
            engine, profile_id, "Dr Rivera", include_notes=include_notes, since=since
        )
        link = share_links.resolve_token(engine, new.token)
        assert link is not None
        data = fhir_export.bundle_json(engine, profile_id, fhir_export.choice_for_link(link))
        assert ("ünïcode" in data.decode()) is include_notes
        performed = [p["performedDateTime"] for p in of_type(read_back(data), "Procedure")]
        assert performed
        assert min(performed) >= since.isoformat()


def test_a_share_link_gets_photos_only_when_it_includes_them_and_never_notes(
    engine: Engine, profile_id: int
) -> None:
    fill_everything(engine, profile_id)
    for include_photos in (False, True):
        new = share_links.create_link(
            engine, profile_id, "Dr Rivera", include_photos=include_photos
        )
        link = share_links.resolve_token(engine, new.token)
        assert link is not None
        data = fhir_export.bundle_json(engine, profile_id, fhir_export.choice_for_link(link))
        assert len(of_type(read_back(data), "Media")) == (3 if include_photos else 0)
        assert "ünïcode" not in data.decode()
