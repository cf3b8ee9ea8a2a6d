// The document's full history (every workflow event, channel and 대결) and its comments (the comments
// given with actions: approvals, rejections, holds).
import { Button, Empty, Input, Popconfirm, Timeline, message } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '@/lib/error-message';
import { formatDateTime } from '@/lib/dates';
import { useAuthStore } from '@/stores/auth-store';
import { useAddComment, useDeleteComment, useDocumentComments, type HistoryOut } from '../api/approval-api';

const COLORS: Record<string, string> = {
  approved: 'green',
  final_approved: 'green',
  rejected: 'red',
  withdrawn: 'gray',
  held: 'orange',
  approval_cancelled: 'orange',
};

function who(h: HistoryOut, t: (k: string, o?: Record<string, unknown>) => string): string {
  const actor = h.actor_name ?? t('doc.channel.system');
  return h.on_behalf_of_name ? `${actor} (${t('doc.onBehalf', { name: h.on_behalf_of_name })})` : actor;
}

export function DocumentHistory({ history }: { history: HistoryOut[] }) {
  const { t } = useTranslation('approval');
  return (
    <Timeline
      data-testid="doc-history"
      items={history.map((h) => ({
        color: COLORS[h.action] ?? 'blue',
        children: (
          <div data-testid="doc-history-item" data-action={h.action}>
            <strong>{t(`historyActions.${h.action}`, { defaultValue: h.action })}</strong>{' '}
            <span>{who(h, t)}</span>{' '}
            <span className="text-xs text-gray-500">
              {formatDateTime(h.created_at)} · {t(`doc.channel.${h.channel}`, { defaultValue: h.channel })}
            </span>
            {h.comment ? <div className="mt-1 whitespace-pre-wrap text-gray-700">“{h.comment}”</div> : null}
          </div>
        ),
      }))}
    />
  );
}

interface CommentItem {
  key: string;
  who: string;
  label: string;
  at: string;
  text: string;
  deletableId?: number;
}

/** The comments given with actions and the free comments (의견), oldest first, and a box to add one. */
export function DocumentComments({ documentId, history, open }: { documentId: number; history: HistoryOut[]; open: boolean }) {
  const { t } = useTranslation('approval');
  const me = useAuthStore((s) => s.user?.id);
  const free = useDocumentComments(documentId, open);
  const add = useAddComment(documentId);
  const remove = useDeleteComment(documentId);
  const [text, setText] = useState('');
  const items: CommentItem[] = [
    ...history
      .filter((h) => h.comment?.trim())
      .map((h) => ({
        key: `h${h.id}`,
        who: who(h, t),
        label: t(`historyActions.${h.action}`, { defaultValue: h.action }),
        at: h.created_at,
        text: h.comment ?? '',
      })),
    ...(free.data ?? []).map((c) => ({
      key: `c${c.id}`,
      who: c.author_name ?? '—',
      label: t('doc.freeComment'),
      at: c.created_at,
      text: c.content,
      deletableId: c.author_id === me ? c.id : undefined,
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const submit = () => {
    const content = text.trim();
    if (!content) return;
    add.mutate(content, {
      onSuccess: () => setText(''),
      onError: (e) => void message.error(errorMessage(t, e)),
    });
  };
  return (
    <div>
      {items.length ? (
        <ul className="m-0 flex list-none flex-col gap-3 p-0" data-testid="doc-comments">
          {items.map((c) => (
            <li key={c.key} className="rounded bg-gray-50 p-3" data-testid="doc-comment">
              <div className="text-sm">
                <strong>{c.who}</strong>{' '}
                <span className="text-xs text-gray-500">
                  {c.label} · {formatDateTime(c.at)}
                </span>
                {c.deletableId !== undefined && (
                  <Popconfirm
                    title={t('doc.deleteComment')}
                    onConfirm={() => remove.mutate(c.deletableId as number, { onError: (e) => void message.error(errorMessage(t, e)) })}
                  >
                    <Button type="link" size="small" data-testid={`doc-comment-delete-${c.deletableId}`}>
                      {t('common:actions.delete')}
                    </Button>
                  </Popconfirm>
                )}
              </div>
              <div className="mt-1 whitespace-pre-wrap">{c.text}</div>
            </li>
          ))}
        </ul>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('doc.noComments')} />
      )}
      {open && (
        <div className="mt-3 flex flex-col gap-2">
          <Input.TextArea
            value={text}
            maxLength={2000}
            autoSize={{ minRows: 2, maxRows: 6 }}
            placeholder={t('doc.commentPlaceholder')}
            onChange={(e) => setText(e.target.value)}
            data-testid="doc-comment-input"
          />
          <Button type="primary" onClick={submit} loading={add.isPending} disabled={!text.trim()} data-testid="doc-comment-submit">
            {t('doc.addComment')}
          </Button>
        </div>
      )}
    </div>
  );
}
