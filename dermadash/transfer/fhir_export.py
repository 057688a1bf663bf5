"""An HL7 FHIR R4 Bundle of one profile, for a dermatologist's record system.

One ``collection`` Bundle, every resource built (and so validated) with the
``fhir.resources`` models of FHIR R4B (4.3.0, the R4 release those pydantic v2 models
exist for; every element used here is the same in R4 4.0.1):

- a Patient with the display name only;
- a Device per roller, with its needle length (UCUM ``mm``);
- a Procedure per session: performed time, body sites as text, the roller used;
- Observations tied to their session (``partOf``): pain (LOINC 72514-3, 0–10),
  redness duration (UCUM ``h``) and stinging duration (UCUM ``min``);
- an Observation per scar rating (area and date, 0–10, local code ``scar-severity``);
- an AdverseEvent per reported side effect, naming its session;
- a DetectedIssue per safety flag: the rule id as its code, the severity mapped;
- Media with each photo, only when asked.

Codes of our own use the system ``LOCAL_CODES`` (documented in the README).
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import pandas as pd
from fhir.resources.R4B.adverseevent import AdverseEvent
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.detectedissue import DetectedIssue
from fhir.resources.R4B.device import Device
from fhir.resources.R4B.media import Media
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.procedure import Procedure
from fhir.resources.R4B.resource import Resource
from sqlalchemy import Engine

from dermadash import photos
from dermadash.frame_rows import frame_rows
from dermadash.rules import flagging
from dermadash.rules.protocol import load_protocol
from dermadash.sharing.share_links import LinkInfo
from dermadash.storage import queries
from dermadash.storage.profiles import load_profile
from dermadash.storage.validation import SIDE_EFFECT_LABELS

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
LOCAL_CODES = "urn:dermadash:fhir:codes"
RULE_CODES = "urn:dermadash:fhir:rules"
PAIN_LOINC = "72514-3"
PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
# dermadash's three severities on DetectedIssue's high / moderate / low.
SEVERITY = {"critical": "high", "warning": "moderate", "info": "low"}
# Check-in columns sent as durations: column, local code, display, UCUM unit.
DURATIONS = (
    ("redness_hours", "redness-duration", "Redness after the session lasted", "h"),
    ("stinging_minutes", "stinging-duration", "Stinging after the session lasted", "min"),
)
MEDIA_TYPE = "http://terminology.hl7.org/CodeSystem/media-type"
_NAMESPACE = uuid.UUID("6f1b7c1e-3c8e-4d3c-9a55-6d2c3c1f0a15")
_Model = TypeVar("_Model", bound=Resource)


@dataclass(frozen=True)
class FhirChoice:
    """What a Bundle holds beyond the essentials (a share link's options)."""

    include_photos: bool = False
    include_notes: bool = True
    since: date | None = None


def choice_for_link(link: LinkInfo) -> FhirChoice:
    """What a share link's viewer gets: what the link shows, no more (its photos, its
    notes, from its first day)."""
    options = link.options
    return FhirChoice(
        include_photos=options.include_photos,
        include_notes=options.include_notes,
        since=options.since,
    )


def _urn(kind: str, profile_id: int, key: object) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{profile_id}/{kind}/{key}')}"


def _moment(value: Any) -> str:
    return pd.Timestamp(value).to_pydatetime().astimezone(UTC).isoformat()


def _local(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": LOCAL_CODES, "code": code, "display": display}], "text": display}


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": float(value), "unit": unit, "system": UCUM, "code": unit}


def _resource(model: type[_Model], **elements: Any) -> _Model:
    """``model`` validated from plain FHIR elements (dicts, as FHIR JSON spells them)."""
    return model.model_validate(elements)


def _present(value: object) -> bool:
    return value is not None and not pd.isna(value)  # type: ignore[call-overload]  # any cell


class _Builder:
    def __init__(self, profile_id: int, choice: FhirChoice) -> None:
        self.profile_id = profile_id
        self.choice = choice
        self.entries: list[dict[str, Any]] = []
        self.patient = {"reference": _urn("patient", profile_id, 0)}

    def add(self, url: str, resource: Resource) -> None:
        self.entries.append({"fullUrl": url, "resource": resource})

    def note(self, text: object) -> list[dict[str, str]] | None:
        if not self.choice.include_notes or not isinstance(text, str) or not text:
            return None
        return [{"text": text}]

    def patient_resource(self, display_name: str) -> None:
        self.add(self.patient["reference"], _resource(Patient, name=[{"text": display_name}]))

    def devices(self, rollers: pd.DataFrame) -> dict[int, str]:
        urls = {}
        for roller in frame_rows(rollers):
            url = _urn("roller", self.profile_id, roller.roller_id)
            urls[int(roller.roller_id)] = url
            needle = {
                "type": {"text": "Needle length"},
                "valueQuantity": [_quantity(roller.needle_mm, "mm")],
            }
            self.add(
                url,
                _resource(
                    Device,
                    status="inactive" if _present(roller.retired_on) else "active",
                    deviceName=[{"name": roller.name, "type": "user-friendly-name"}],
                    type={"text": "Dermaroller (microneedling roller)"},
                    property=[needle],
                    patient=self.patient,
                ),
            )
        return urls

    def session(self, row: Any, device_urls: dict[int, str]) -> None:
        url = _urn("session", self.profile_id, row.session_id)
        when = _moment(row.started_at)
        roller = device_urls.get(int(row.roller_id)) if _present(row.roller_id) else None
        needle = f"Needle length {row.needle_mm:g} mm."
        self.add(
            url,
            _resource(
                Procedure,
                status="completed",
                code=_local("dermarolling", "Dermarolling (microneedling) at home"),
                subject=self.patient,
                performedDateTime=when,
                bodySite=[{"text": area} for area in row.areas] or None,
                usedReference=[{"reference": roller}] if roller else None,
                note=[{"text": needle}, *(self.note(row.notes) or [])],
            ),
        )
        part_of = [{"reference": url}]
        if _present(row.pain):
            pain = {"coding": [{"system": LOINC, "code": PAIN_LOINC, "display": PAIN_DISPLAY}]}
            self.observation(
                "session-pain", row.session_id, pain, when, part_of, valueInteger=int(row.pain)
            )
        for column, code, display, unit in DURATIONS:
            value = getattr(row, column)
            if _present(value):
                self.observation(
                    code,
                    row.session_id,
                    _local(code, display),
                    when,
                    part_of,
                    valueQuantity=_quantity(value, unit),
                )
        if isinstance(row.side_effect, str) and row.side_effect != "none":
            label = SIDE_EFFECT_LABELS[row.side_effect]
            self.add(
                _urn("side-effect", self.profile_id, row.session_id),
                _resource(
                    AdverseEvent,
                    actuality="actual",
                    event=_local(row.side_effect, label),
                    subject=self.patient,
                    date=when,
                    suspectEntity=[{"instance": {"reference": url}}],
                ),
            )

    def observation(
        self,
        kind: str,
        session_id: int,
        code: dict[str, Any],
        when: str,
        part_of: list[dict[str, str]],
        **value: Any,
    ) -> None:
        url = _urn(kind, self.profile_id, session_id)
        self.add(
            url,
            _resource(
                Observation,
                status="final",
                code=code,
                subject=self.patient,
                effectiveDateTime=when,
                partOf=part_of,
                **value,
            ),
        )

    def rating(self, row: Any, media: list[str]) -> None:
        url = _urn("rating", self.profile_id, row.rating_id)
        self.add(
            url,
            _resource(
                Observation,
                status="final",
                code=_local("scar-severity", "Acne scar severity (0 none to 10 worst)"),
                subject=self.patient,
                effectiveDateTime=row.rated_on.isoformat(),
                bodySite={"text": row.area},
                valueInteger=int(row.severity),
                note=self.note(row.notes),
                derivedFrom=[{"reference": reference} for reference in media] or None,
            ),
        )

    def photo(self, engine: Engine, row: Any) -> str:
        url = _urn("photo", self.profile_id, row.photo_id)
        jpeg = photos.photo_jpeg(engine, self.profile_id, int(row.photo_id))
        self.add(
            url,
            _resource(
                Media,
                status="completed",
                type={"coding": [{"system": MEDIA_TYPE, "code": "image", "display": "Image"}]},
                subject=self.patient,
                createdDateTime=_moment(row.created_at),
                bodySite={"text": row.area},
                width=int(row.width),
                height=int(row.height),
                content={
                    "contentType": "image/jpeg",
                    "data": base64.b64encode(jpeg).decode("ascii"),
                    "title": photos.caption(row.area, row.rated_on, row.severity),
                },
            ),
        )
        return url

    def flag(self, row: Any, titles: dict[str, str]) -> None:
        implicated = (
            [{"reference": _urn("session", self.profile_id, int(row.session))}]
            if _present(row.session)
            else None
        )
        self.add(
            _urn("flag", self.profile_id, f"{row.rule}/{row.date}/{row.session}/{row.area}"),
            _resource(
                DetectedIssue,
                status="final",
                code={
                    "coding": [
                        {"system": RULE_CODES, "code": row.rule, "display": titles[row.rule]}
                    ],
                    "text": titles[row.rule],
                },
                severity=SEVERITY[row.severity],
                patient=self.patient,
                identifiedDateTime=row.date.isoformat(),
                implicated=implicated,
                detail=row.message,
                mitigation=[{"action": {"text": row.advice}}],
            ),
        )


def build_bundle(
    engine: Engine, profile_id: int, choice: FhirChoice | None = None, now: datetime | None = None
) -> Bundle:
    """The profile's record as one FHIR Bundle of type ``collection``."""
    choice = choice or FhirChoice()
    builder = _Builder(profile_id, choice)
    profile = load_profile(engine, profile_id)
    builder.patient_resource(profile.display_name)
    device_urls = builder.devices(queries.rollers_frame(engine, profile_id))
    sessions = queries.sessions_frame(engine, profile_id)
    ratings = queries.scar_ratings_frame(engine, profile_id)
    flags = flagging.profile_flags(engine, profile_id)
    stored = photos.photos_frame(engine, profile_id) if choice.include_photos else None
    if choice.since is not None:
        since = pd.Timestamp(choice.since, tz=profile.timezone)
        sessions = sessions[sessions["started_at"] >= since]
        ratings = ratings[ratings["rated_on"] >= choice.since]
        flags = flags[flags["date"] >= choice.since]
        if stored is not None:
            stored = stored[stored["rated_on"] >= choice.since]
    for row in frame_rows(sessions):
        builder.session(row, device_urls)
    media: dict[int, list[str]] = {}
    if stored is not None:
        for row in frame_rows(stored):
            media.setdefault(int(row.rating_id), []).append(builder.photo(engine, row))
    for row in frame_rows(ratings):
        builder.rating(row, media.get(int(row.rating_id), []))
    titles = {spec.id: spec.title for spec in load_protocol().rules}
    for row in frame_rows(flags):
        builder.flag(row, titles)
    return _resource(
        Bundle,
        type="collection",
        timestamp=(now or datetime.now(UTC)).isoformat(),
        entry=builder.entries,
    )


def bundle_json(engine: Engine, profile_id: int, choice: FhirChoice | None = None) -> bytes:
    """The Bundle as FHIR JSON text."""
    document = json.loads(build_bundle(engine, profile_id, choice).model_dump_json())
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def fhir_filename(today: date) -> str:
    return f"dermadash-fhir-{today.isoformat()}.json"
