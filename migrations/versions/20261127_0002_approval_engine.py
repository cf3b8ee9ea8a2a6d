"""approval engine

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 07:26:37.399834
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('document_number_sequences',
    sa.Column('template_code', sa.String(length=50), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('template_code', 'year', name=op.f('pk_document_number_sequences'))
    )
    op.create_table('approval_delegations',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('delegator_id', sa.BigInteger(), nullable=False),
    sa.Column('delegate_id', sa.BigInteger(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('is_active', sa.Boolean(), server_default='true', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['delegate_id'], ['users.id'], name=op.f('fk_approval_delegations_delegate_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delegator_id'], ['users.id'], name=op.f('fk_approval_delegations_delegator_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_delegations'))
    )
    op.create_index(op.f('ix_approval_delegations_created_at'), 'approval_delegations', ['created_at'], unique=False)
    op.create_index(op.f('ix_approval_delegations_delegator_id'), 'approval_delegations', ['delegator_id'], unique=False)
    op.create_index('ix_approval_delegations_lookup', 'approval_delegations', ['delegate_id', 'delegator_id', 'starts_on'], unique=False)
    op.create_table('approval_action_tokens',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('document_id', sa.BigInteger(), nullable=False),
    sa.Column('step_order', sa.Integer(), nullable=False),
    sa.Column('approver_id', sa.BigInteger(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_action', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['approver_id'], ['users.id'], name=op.f('fk_approval_action_tokens_approver_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['approval_documents.id'], name=op.f('fk_approval_action_tokens_document_id_approval_documents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_action_tokens')),
    sa.UniqueConstraint('document_id', 'step_order', 'approver_id', name='uq_approval_action_tokens_target'),
    sa.UniqueConstraint('token_hash', name=op.f('uq_approval_action_tokens_token_hash'))
    )
    op.create_table('approval_attachments',
    sa.Column('id', sa.BigInteger(), nullable=False),
    sa.Column('document_id', sa.BigInteger(), nullable=False),
    sa.Column('uploader_id', sa.BigInteger(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('storage_key', sa.String(length=500), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['approval_documents.id'], name=op.f('fk_approval_attachments_document_id_approval_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_approval_attachments_uploader_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_attachments')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_approval_attachments_storage_key'))
    )
    op.create_index(op.f('ix_approval_attachments_document_id'), 'approval_attachments', ['document_id'], unique=False)
    op.add_column('notifications', sa.Column('email_sent_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('approval_documents', sa.Column('line_spec', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False))
    op.add_column('approval_documents', sa.Column('projection_seq', sa.Integer(), server_default='0', nullable=False))
    op.add_column('approval_lines', sa.Column('on_behalf_of_id', sa.BigInteger(), nullable=True))
    op.alter_column('approval_lines', 'approved_at', new_column_name='acted_at')
    op.drop_index(op.f('ix_approval_lines_document_step'), table_name='approval_lines')
    op.create_unique_constraint('uq_approval_lines_position', 'approval_lines', ['document_id', 'line_type', 'step_order', 'approver_id'])
    op.create_foreign_key(op.f('fk_approval_lines_on_behalf_of_id_users'), 'approval_lines', 'users', ['on_behalf_of_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    op.drop_constraint(op.f('fk_approval_lines_on_behalf_of_id_users'), 'approval_lines', type_='foreignkey')
    op.drop_constraint('uq_approval_lines_position', 'approval_lines', type_='unique')
    op.create_index(op.f('ix_approval_lines_document_step'), 'approval_lines', ['document_id', 'step_order'], unique=False)
    op.alter_column('approval_lines', 'acted_at', new_column_name='approved_at')
    op.drop_column('approval_lines', 'on_behalf_of_id')
    op.drop_column('approval_documents', 'projection_seq')
    op.drop_column('notifications', 'email_sent_at')
    op.drop_column('approval_documents', 'line_spec')
    op.drop_index(op.f('ix_approval_attachments_document_id'), table_name='approval_attachments')
    op.drop_table('approval_attachments')
    op.drop_table('approval_action_tokens')
    op.drop_index('ix_approval_delegations_lookup', table_name='approval_delegations')
    op.drop_index(op.f('ix_approval_delegations_delegator_id'), table_name='approval_delegations')
    op.drop_index(op.f('ix_approval_delegations_created_at'), table_name='approval_delegations')
    op.drop_table('approval_delegations')
    op.drop_table('document_number_sequences')
