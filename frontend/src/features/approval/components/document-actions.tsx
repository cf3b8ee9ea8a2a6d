// Only the actions the server says this user may take now (`allowed_actions`), each confirmed in a dialog
// with a comment (required to reject). The workflow re-checks everything: a refusal (e.g. someone acted
// first, STALE_STEP) is shown as a message and the document reloads.
import { App, Button, type ButtonProps, Input, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { errorMessage } from '@/lib/error-message';
import {
  deleteDraft,
  resubmitDocument,
  submitDraft,
  useApprovalInvalidate,
  useDocumentAction,
  type DocumentOut,
  type WorkflowAction,
} from '../api/approval-api';

type Dialog = { key: string; action: WorkflowAction; final: boolean; commentRequired: boolean } | null;

const DIALOGS: Record<string, Exclude<Dialog, null>> = {
  approve: { key: 'approve', action: 'approve', final: false, commentRequired: false },
  final_approve: { key: 'final_approve', action: 'approve', final: true, commentRequired: false },
  reject: { key: 'reject', action: 'reject', final: false, commentRequired: true },
  hold: { key: 'hold', action: 'hold', final: false, commentRequired: false },
  resume: { key: 'resume', action: 'resume', final: false, commentRequired: false },
  withdraw: { key: 'withdraw', action: 'withdraw', final: false, commentRequired: false },
  cancel_approval: { key: 'cancel_approval', action: 'cancel-approval', final: false, commentRequired: false },
};
const ORDER = ['approve', 'final_approve', 'reject', 'hold', 'resume', 'cancel_approval', 'withdraw'];

export function DocumentActions({ doc }: { doc: DocumentOut }) {
  const { t } = useTranslation('approval');
  const { message } = App.useApp();
  const navigate = useNavigate();
  const invalidate = useApprovalInvalidate();
  const action = useDocumentAction(doc.id);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const allowed = new Set(doc.allowed_actions ?? []);

  const run = async (fn: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await fn();
      message.success(done);
    } catch (e) {
      message.error(errorMessage(t, e));
      await invalidate();
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    if (!dialog) return;
    if (dialog.commentRequired && !comment.trim()) return;
    await run(
      () => action.mutateAsync({ action: dialog.action, body: { comment: comment.trim() || null, expected_step: doc.current_step ?? null, final: dialog.final } }),
      t(`actions.done.${dialog.action}`),
    );
    setDialog(null);
    setComment('');
  };

  const buttons = ORDER.filter((a) => allowed.has(a)).map((a) => (
    <Button
      key={a}
      type={a === 'approve' ? 'primary' : 'default'}
      danger={a === 'reject'}
      onClick={() => setDialog(DIALOGS[a]!)}
      data-testid={`doc-action-${a}`}
    >
      {t(`actions.${a}`)}
    </Button>
  ));
  if (allowed.has('resubmit')) {
    buttons.push(
      <Button key="resubmit" type="primary" loading={busy} data-testid="doc-action-resubmit"
        onClick={() => run(async () => {
          const next = await resubmitDocument(doc.id);
          await invalidate();
          navigate(`/approval/documents/${next.id}/edit`);
        }, t('compose.saved'))}>
        {t('actions.resubmit')}
      </Button>,
    );
  }
  if (allowed.has('edit')) {
    buttons.push(
      <Button key="edit" onClick={() => navigate(`/approval/documents/${doc.id}/edit`)} data-testid="doc-action-edit">
        {t('actions.edit')}
      </Button>,
    );
  }
  if (allowed.has('submit')) {
    buttons.push(
      <Button key="submit" type="primary" loading={busy} data-testid="doc-action-submit"
        onClick={() => run(async () => { await submitDraft(doc.id); await invalidate(); }, t('compose.submitted'))}>
        {t('actions.submit')}
      </Button>,
    );
  }
  if (allowed.has('delete')) {
    buttons.push(
      <Button key="delete" danger loading={busy} data-testid="doc-action-delete"
        onClick={() => Modal.confirm({
          title: t('compose.deleteConfirm'),
          okButtonProps: { danger: true, 'data-testid': 'doc-delete-confirm' } as ButtonProps,
          onOk: () => run(async () => { await deleteDraft(doc.id); await invalidate(); navigate('/approval/boxes/drafts'); }, t('compose.deleted')),
        })}>
        {t('actions.delete')}
      </Button>,
    );
  }
  if (!buttons.length) return null;
  return (
    <>
      <Space wrap data-testid="doc-actions">{buttons}</Space>
      <Modal
        open={!!dialog}
        title={dialog ? t(`actions.${dialog.key}`) : ''}
        onCancel={() => { setDialog(null); setComment(''); }}
        onOk={confirm}
        okText={t('actions.confirm')}
        cancelText={t('actions.cancel')}
        okButtonProps={{ loading: action.isPending, danger: dialog?.key === 'reject', disabled: !!dialog?.commentRequired && !comment.trim(), 'data-testid': 'action-confirm' } as ButtonProps}
        destroyOnHidden
      >
        {dialog && t(`actions.help.${dialog.key}`, { defaultValue: '' }) && (
          <Typography.Paragraph type="secondary">{t(`actions.help.${dialog.key}`)}</Typography.Paragraph>
        )}
        <Input.TextArea
          rows={4}
          maxLength={2000}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder={dialog?.commentRequired ? t('actions.commentRequired') : t('actions.commentOptional')}
          status={dialog?.commentRequired && !comment.trim() ? 'warning' : undefined}
          data-testid="action-comment"
        />
      </Modal>
    </>
  );
}
