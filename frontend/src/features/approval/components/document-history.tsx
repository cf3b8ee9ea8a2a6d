// The document's full history (every workflow event, channel and 대결) and its comments (the comments
// given with actions: approvals, rejections, holds).
import { Empty, Timeline } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '@/lib/dates';
import type { HistoryOut } from '../api/approval-api';

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

export function DocumentComments({ history }: { history: HistoryOut[] }) {
  const { t } = useTranslation('approval');
  const comments = history.filter((h) => h.comment?.trim());
  if (!comments.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('doc.noComments')} />;
  return (
    <ul className="m-0 flex list-none flex-col gap-3 p-0" data-testid="doc-comments">
      {comments.map((h) => (
        <li key={h.id} className="rounded bg-gray-50 p-3" data-testid="doc-comment">
          <div className="text-sm">
            <strong>{who(h, t)}</strong>{' '}
            <span className="text-xs text-gray-500">
              {t(`historyActions.${h.action}`, { defaultValue: h.action })} · {formatDateTime(h.created_at)}
            </span>
          </div>
          <div className="mt-1 whitespace-pre-wrap">{h.comment}</div>
        </li>
      ))}
    </ul>
  );
}
