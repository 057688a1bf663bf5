"""The one schema (``dermadash.columns``) is what the queries, test frames and README say."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
from sqlalchemy import Engine

from dermadash import columns, demo
from dermadash.storage import queries
from dermadash.storage.records import CheckInInput, RollerInput, SessionInput
from dermadash.transfer import backup_format
from tests.conftest import DEMO_TODAY, PROJECT_ROOT
from tests.random_logs import rollers_frame, sessions_frame


def _dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {str(name): str(dtype) for name, dtype in frame.dtypes.items()}


def test_the_queries_return_the_schemas_columns_with_its_types(
    engine: Engine, profile_id: int
) -> None:
    demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    expected = {
        queries.sessions_frame: columns.SESSION,
        queries.rollers_frame: columns.ROLLER,
        queries.scar_ratings_frame: columns.RATING,
    }
    for read, schema in expected.items():
        frame = read(engine, profile_id)
        assert not frame.empty
        assert tuple(frame.columns) == columns.names(schema)
        assert _dtypes(frame) == {column.name: column.dtype for column in schema}


def test_the_test_frames_are_typed_like_the_queries(engine: Engine, profile_id: int) -> None:
    demo.load_demo(engine, profile_id, today=DEMO_TODAY)
    made = sessions_frame([{"started_at": "2026-03-02T21:30:00Z", "redness_hours": 3}])
    assert _dtypes(made) == _dtypes(queries.sessions_frame(engine, profile_id))
    rollers = rollers_frame([{"roller_id": 1, "needle_count": 192}])
    assert _dtypes(rollers) == _dtypes(queries.rollers_frame(engine, profile_id))


def test_the_readme_documents_the_spreadsheet_header() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(
        r"the first row names the columns:\n`([^`]*)` \(export adds `([^`]*)`", readme
    )
    assert found is not None
    header, extra = (tuple(re.split(r",\s*", text)) for text in found.groups())
    assert header == columns.SPREADSHEET_SESSION_COLUMNS
    assert extra == columns.SPREADSHEET_SESSION_EXTRA_COLUMNS


def test_the_typed_declarations_name_the_schemas_fields() -> None:
    """The input dataclasses and the backup's parts are written out for the type checker;
    they declare the schema's fields and only the bookkeeping each adds."""
    assert _dataclass_fields(SessionInput) == {
        *columns.SESSION_INPUT_FIELDS,
        *{"areas", "is_demo", "import_key"},
    }
    assert _dataclass_fields(CheckInInput) == set(columns.CHECK_IN_INPUT_FIELDS)
    assert _dataclass_fields(RollerInput) == {*columns.ROLLER_INPUT_FIELDS, "is_demo"}
    assert set(backup_format.SessionPart.model_fields) == {
        *(set(columns.SESSION_INPUT_FIELDS) - {"roller_id"}),
        *{"ref", "roller_ref", "areas", "check_in", "created_at", "is_demo", "import_key"},
    }
    assert set(backup_format.CheckInPart.model_fields) == {
        *columns.CHECK_IN_INPUT_FIELDS,
        "recorded_at",
    }
    assert set(backup_format.RollerPart.model_fields) == {
        *columns.ROLLER_INPUT_FIELDS,
        *{"ref", "is_demo"},
    }


def _dataclass_fields(kind: type) -> set[str]:
    return {field.name for field in dataclasses.fields(kind)}
