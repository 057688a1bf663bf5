"""progress photos

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 20:15:16.195055
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("scar_rating_id", sa.Integer(), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_photos_profile_id_profiles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scar_rating_id"],
            ["scar_ratings.id"],
            name=op.f("fk_photos_scar_rating_id_scar_ratings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.create_index("ix_photos_profile_id", ["profile_id"], unique=False)
        batch_op.create_index("ix_photos_scar_rating_id", ["scar_rating_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index("ix_photos_scar_rating_id")
        batch_op.drop_index("ix_photos_profile_id")

    op.drop_table("photos")
