"""Jobs and imports: a sheet of cards kept with its run's progress and its rows' errors; an imported card's old number.

Revision ID: 0016_jobs
Revises: 0015_dashboard
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_jobs'
down_revision = '0015_dashboard'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_jobs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='job_status', native_enum=False,
                                    create_constraint=True, length=24), nullable=False),
        sa.Column('dry_run', sa.Boolean(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('total_rows', sa.Integer(), nullable=False),
        sa.Column('done_rows', sa.Integer(), nullable=False),
        sa.Column('created_rows', sa.Integer(), nullable=False),
        sa.Column('skipped_rows', sa.Integer(), nullable=False),
        sa.Column('error_rows', sa.Integer(), nullable=False),
        sa.Column('failure', sa.Text(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('done_rows <= total_rows', name=op.f('ck_import_jobs_done_within_total')),
        sa.CheckConstraint('created_rows + skipped_rows + error_rows <= done_rows',
                           name=op.f('ck_import_jobs_outcomes_within_done')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_import_jobs_created_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs')),
    )
    op.create_table(
        'import_row_errors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('row', sa.Integer(), nullable=False),
        sa.Column('column', sa.String(length=60), nullable=True),
        sa.Column('code', sa.String(length=60), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['import_jobs.id'], name=op.f('fk_import_row_errors_job_id_import_jobs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_row_errors')),
    )
    op.create_index(op.f('ix_import_row_errors_job_id'), 'import_row_errors', ['job_id'])
    op.add_column('cards', sa.Column('legacy_number', sa.String(length=40), nullable=True))
    op.create_index('ix_cards_program_receipt', 'cards', ['program_id', 'receipt_no'])
    op.create_index('ix_cards_legacy_number', 'cards', ['legacy_number'])


def downgrade():
    op.drop_index('ix_cards_legacy_number', table_name='cards')
    op.drop_index('ix_cards_program_receipt', table_name='cards')
    # Not a batch copy of the table: on SQLite that drops and recreates cards, which the rows pointing at it refuse.
    # Both databases drop a column in place (SQLite since 3.35).
    op.execute('ALTER TABLE cards DROP COLUMN legacy_number')
    op.drop_table('import_row_errors')
    op.drop_table('import_jobs')
