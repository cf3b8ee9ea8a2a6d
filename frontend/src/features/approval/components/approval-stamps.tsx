// The 결재란: one box per person on the line, in order — the drafter, then each 결재 step and each 합의
// member — showing the step's state, who signed, when, and "on behalf of" for 대결.
import { Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '@/lib/dates';
import type { DocumentOut, HistoryOut, LineOut } from '../api/approval-api';

const STAMP: Record<string, string> = {
  approved: 'border-red-500 text-red-600',
  rejected: 'border-gray-800 text-gray-900',
  pending: 'border-blue-400 text-blue-600',
  skipped: 'border-gray-300 text-gray-400',
  waiting: 'border-transparent text-gray-400',
};

/** Who actually acted for a line entry (the delegate when it was 대결). */
function actorName(line: LineOut, history: HistoryOut[]): string | null {
  if (!line.on_behalf_of_id) return null;
  const entry = [...history]
    .reverse()
    .find((h) => h.on_behalf_of_id === line.on_behalf_of_id && h.step_order === line.step_order && h.actor_id === line.acted_by_id);
  return entry?.actor_name ?? null;
}

function Box({ header, name, status, label, time, note, testId, comment }: {
  header: string;
  name: string;
  status: string;
  label?: string;
  time?: string | null;
  note?: string | null;
  testId: string;
  comment?: string | null;
}) {
  const { t } = useTranslation('approval');
  const box = (
    <div className="flex w-28 shrink-0 flex-col border border-solid border-gray-300 text-center text-sm" data-testid={testId} data-status={status}>
      <div className="border-0 border-b border-solid border-gray-300 bg-gray-50 py-1 text-xs font-medium">{header}</div>
      <div className="flex h-20 flex-col items-center justify-center gap-1 px-1">
        <span className="font-medium">{name}</span>
        {status !== 'waiting' && (
          <span className={`rounded-full border-2 border-solid px-2 text-xs font-bold ${STAMP[status] ?? ''}`}>
            {label ?? t(`lineStatus.${status}`, { defaultValue: status })}
          </span>
        )}
      </div>
      <div className="min-h-[2.5rem] border-0 border-t border-solid border-gray-300 px-1 py-1 text-[11px] leading-tight text-gray-500">
        {time ? formatDateTime(time) : ''}
        {note ? <div className="text-orange-600" data-testid={`${testId}-on-behalf`}>{note}</div> : null}
      </div>
    </div>
  );
  return comment ? <Tooltip title={comment}>{box}</Tooltip> : box;
}

export function ApprovalStamps({ doc }: { doc: DocumentOut }) {
  const { t } = useTranslation('approval');
  const steps = (doc.lines ?? [])
    .filter((l) => l.line_type === 'approval' || l.line_type === 'agreement')
    .sort((a, b) => a.step_order - b.step_order || a.approver_id - b.approver_id);
  const history = doc.history ?? [];
  return (
    <div className="flex flex-wrap gap-0" data-testid="doc-stamps">
      <Box
        header={t('doc.drafterStamp')}
        name={doc.author_name ?? ''}
        status={doc.submitted_at ? 'approved' : 'waiting'}
        label={t('historyActions.submitted')}
        time={doc.submitted_at}
        testId="stamp-drafter"
      />
      {steps.map((line) => {
        const delegate = actorName(line, history);
        const shown = delegate ?? line.approver_name ?? `#${line.approver_id}`;
        return (
          <Box
            key={`${line.step_order}-${line.approver_id}`}
            header={`${t(`kinds.${line.line_type}`)} ${line.step_order + 1}`}
            name={shown}
            status={line.status}
            time={line.acted_at}
            note={line.on_behalf_of_id ? t('doc.onBehalf', { name: line.approver_name ?? '' }) : null}
            comment={line.comment}
            testId={`stamp-${line.step_order}-${line.approver_id}`}
          />
        );
      })}
    </div>
  );
}
