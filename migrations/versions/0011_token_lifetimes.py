"""API tokens end: each has a last day (tokens issued before get 90 days from their issue).

Revision ID: 0011_token_lifetimes
Revises: 0010_truncate_guards
Create Date: 2026-12-04
"""
import datetime as dt

from alembic import op
import sqlalchemy as sa


revision = '0011_token_lifetimes'
down_revision = '0010_truncate_guards'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('api_tokens', sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    tokens = sa.table('api_tokens', sa.column('id', sa.Integer()), sa.column('created_at', sa.DateTime(timezone=True)),
                      sa.column('expires_at', sa.DateTime(timezone=True)))
    connection = op.get_bind()
    for token_id, created in connection.execute(sa.select(tokens.c.id, tokens.c.created_at)).all():
        connection.execute(tokens.update().where(tokens.c.id == token_id)
                           .values(expires_at=created + dt.timedelta(days=90)))
    with op.batch_alter_table('api_tokens') as batch:
        batch.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('api_tokens') as batch:
        batch.drop_column('expires_at')
