"""share link options: notes, since date, passcode and its failures

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 08:00:00.000000

Links made before this revision keep every choice they had (photos) and get the new
defaults: notes not shared, the whole course, no passcode.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Never by copying the table on SQLite: dropping the old copy would cascade to every
# share_link_views row (plain ADD and DROP COLUMN need no copy).
def upgrade() -> None:
    with op.batch_alter_table("share_links", schema=None, recreate="never") as batch_op:
        batch_op.add_column(
            sa.Column("include_notes", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("since_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("passcode_hash", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("passcode_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("disabled_reason", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("share_links", schema=None, recreate="never") as batch_op:
        for column in (
            "disabled_reason",
            "disabled_at",
            "passcode_failures",
            "passcode_hash",
            "since_date",
            "include_notes",
        ):
            batch_op.drop_column(column)
