"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 19:34:20.910236
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("experienced", sa.Boolean(), nullable=False),
        sa.Column("scar_baseline", sa.String(length=10), nullable=False),
        sa.Column("prescribed_interval_days", sa.Integer(), nullable=True),
        sa.Column("isotretinoin_last_dose", sa.Date(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("rule_overrides", sa.JSON(), nullable=False),
        sa.Column("owner_identity", sa.String(length=320), nullable=True),
        sa.Column("data_revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "scar_baseline IS NULL OR scar_baseline IN ('mild', 'moderate', 'severe')",
            name=op.f("ck_profiles_scar_baseline_choice"),
        ),
        sa.CheckConstraint(
            "display_name IS NULL OR length(display_name) <= 100",
            name=op.f("ck_profiles_display_name_length"),
        ),
        sa.CheckConstraint(
            "prescribed_interval_days IS NULL OR (prescribed_interval_days >= 1 AND prescribed_interval_days <= 365)",
            name=op.f("ck_profiles_prescribed_interval_days_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profiles")),
        sa.UniqueConstraint("owner_identity", name=op.f("uq_profiles_owner_identity")),
    )
    op.create_table(
        "rollers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("needle_mm", sa.Float(), nullable=False),
        sa.Column("needle_count", sa.Integer(), nullable=True),
        sa.Column("first_used", sa.Date(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "name IS NULL OR length(name) <= 100", name=op.f("ck_rollers_name_length")
        ),
        sa.CheckConstraint(
            "needle_count IS NULL OR (needle_count >= 1 AND needle_count <= 2000)",
            name=op.f("ck_rollers_needle_count_range"),
        ),
        sa.CheckConstraint(
            "needle_mm IS NULL OR (needle_mm >= 0.1 AND needle_mm <= 3)",
            name=op.f("ck_rollers_needle_mm_range"),
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_rollers_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollers")),
    )
    with op.batch_alter_table("rollers", schema=None) as batch_op:
        batch_op.create_index("ix_rollers_profile_id", ["profile_id"], unique=False)

    op.create_table(
        "scar_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("rated_on", sa.Date(), nullable=False),
        sa.Column("area", sa.String(length=60), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("import_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "area IS NULL OR length(area) <= 60",
            name=op.f("ck_scar_ratings_area_length"),
        ),
        sa.CheckConstraint(
            "notes IS NULL OR length(notes) <= 2000",
            name=op.f("ck_scar_ratings_notes_length"),
        ),
        sa.CheckConstraint(
            "severity IS NULL OR (severity >= 0 AND severity <= 10)",
            name=op.f("ck_scar_ratings_severity_range"),
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_scar_ratings_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scar_ratings")),
        sa.UniqueConstraint(
            "profile_id",
            "import_key",
            name=op.f("uq_scar_ratings_profile_id_import_key"),
        ),
    )
    with op.batch_alter_table("scar_ratings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_scar_ratings_profile_id_rated_on",
            ["profile_id", "rated_on"],
            unique=False,
        )

    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("include_photos", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "label IS NULL OR length(label) <= 100",
            name=op.f("ck_share_links_label_length"),
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_share_links_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_links_token_hash")),
    )
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.create_index("ix_share_links_profile_id", ["profile_id"], unique=False)

    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("roller_id", sa.Integer(), nullable=True),
        sa.Column("needle_mm", sa.Float(), nullable=False),
        sa.Column("passes_vertical", sa.Integer(), nullable=True),
        sa.Column("passes_horizontal", sa.Integer(), nullable=True),
        sa.Column("passes_diagonal", sa.Integer(), nullable=True),
        sa.Column("sterilized_before", sa.Boolean(), nullable=True),
        sa.Column("sterilized_after", sa.Boolean(), nullable=True),
        sa.Column("skin_cleansed", sa.Boolean(), nullable=True),
        sa.Column("active_acne", sa.Boolean(), nullable=True),
        sa.Column("retinoid_48h", sa.Boolean(), nullable=True),
        sa.Column("pinpoint_bleeding", sa.Boolean(), nullable=True),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.Column("mask_applied", sa.Boolean(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("import_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "needle_mm IS NULL OR (needle_mm >= 0.1 AND needle_mm <= 3)",
            name=op.f("ck_sessions_needle_mm_range"),
        ),
        sa.CheckConstraint(
            "notes IS NULL OR length(notes) <= 2000",
            name=op.f("ck_sessions_notes_length"),
        ),
        sa.CheckConstraint(
            "pain IS NULL OR (pain >= 0 AND pain <= 10)",
            name=op.f("ck_sessions_pain_range"),
        ),
        sa.CheckConstraint(
            "passes_diagonal IS NULL OR (passes_diagonal >= 0 AND passes_diagonal <= 30)",
            name=op.f("ck_sessions_passes_diagonal_range"),
        ),
        sa.CheckConstraint(
            "passes_horizontal IS NULL OR (passes_horizontal >= 0 AND passes_horizontal <= 30)",
            name=op.f("ck_sessions_passes_horizontal_range"),
        ),
        sa.CheckConstraint(
            "passes_vertical IS NULL OR (passes_vertical >= 0 AND passes_vertical <= 30)",
            name=op.f("ck_sessions_passes_vertical_range"),
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_sessions_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["roller_id"],
            ["rollers.id"],
            name=op.f("fk_sessions_roller_id_rollers"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.UniqueConstraint(
            "profile_id", "import_key", name=op.f("uq_sessions_profile_id_import_key")
        ),
    )
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sessions_profile_id_started_at",
            ["profile_id", "started_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_sessions_roller_id"), ["roller_id"], unique=False)

    op.create_table(
        "share_link_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("share_link_id", sa.Integer(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["share_link_id"],
            ["share_links.id"],
            name=op.f("fk_share_link_views_share_link_id_share_links"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_link_views")),
    )
    with op.batch_alter_table("share_link_views", schema=None) as batch_op:
        batch_op.create_index(
            "ix_share_link_views_share_link_id",
            ["share_link_id", "viewed_at"],
            unique=False,
        )

    op.create_table(
        "check_ins",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("redness_hours", sa.Float(), nullable=True),
        sa.Column("stinging_minutes", sa.Float(), nullable=True),
        sa.Column("peeling", sa.Boolean(), nullable=True),
        sa.Column("side_effect", sa.String(length=20), nullable=True),
        sa.Column("makeup_48h", sa.Boolean(), nullable=True),
        sa.Column("sun_24h", sa.Boolean(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "side_effect IS NULL OR side_effect IN ('none', 'bruising', 'infection', 'allergy')",
            name=op.f("ck_check_ins_side_effect_choice"),
        ),
        sa.CheckConstraint(
            "notes IS NULL OR length(notes) <= 2000",
            name=op.f("ck_check_ins_notes_length"),
        ),
        sa.CheckConstraint(
            "redness_hours IS NULL OR (redness_hours >= 0 AND redness_hours <= 720)",
            name=op.f("ck_check_ins_redness_hours_range"),
        ),
        sa.CheckConstraint(
            "stinging_minutes IS NULL OR (stinging_minutes >= 0 AND stinging_minutes <= 1440)",
            name=op.f("ck_check_ins_stinging_minutes_range"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_check_ins_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_check_ins")),
    )
    op.create_table(
        "session_areas",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "area IS NULL OR length(area) <= 60",
            name=op.f("ck_session_areas_area_length"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_areas_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "area", name=op.f("pk_session_areas")),
    )
    with op.batch_alter_table("session_areas", schema=None) as batch_op:
        batch_op.create_index("ix_session_areas_area", ["area"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("session_areas", schema=None) as batch_op:
        batch_op.drop_index("ix_session_areas_area")

    op.drop_table("session_areas")
    op.drop_table("check_ins")
    with op.batch_alter_table("share_link_views", schema=None) as batch_op:
        batch_op.drop_index("ix_share_link_views_share_link_id")

    op.drop_table("share_link_views")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sessions_roller_id"))
        batch_op.drop_index("ix_sessions_profile_id_started_at")

    op.drop_table("sessions")
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.drop_index("ix_share_links_profile_id")

    op.drop_table("share_links")
    with op.batch_alter_table("scar_ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_scar_ratings_profile_id_rated_on")

    op.drop_table("scar_ratings")
    with op.batch_alter_table("rollers", schema=None) as batch_op:
        batch_op.drop_index("ix_rollers_profile_id")

    op.drop_table("rollers")
    op.drop_table("profiles")
