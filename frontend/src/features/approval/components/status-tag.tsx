// A document's status as a coloured tag, in the user's language.
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const COLORS: Record<string, string> = {
  draft: 'default',
  in_progress: 'processing',
  on_hold: 'warning',
  approved: 'success',
  rejected: 'error',
  withdrawn: 'default',
};

export function StatusTag({ status, testId }: { status: string; testId?: string }) {
  const { t } = useTranslation('approval');
  return (
    <Tag color={COLORS[status] ?? 'default'} data-testid={testId} data-status={status}>
      {t(`status.${status}`, { defaultValue: status })}
    </Tag>
  );
}
