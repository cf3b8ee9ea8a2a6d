import { Menu, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { useBoards } from '../api/board-api';

/** The boards the user may read. */
export function BoardNav({ selected }: { selected: number | null }) {
  const { t } = useTranslation('board');
  const { data, isPending, error, refetch } = useBoards();
  if (isPending) return <Skeleton active paragraph={{ rows: 4 }} />;
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} compact />;
  if (!data.length) return <div className="p-2 text-sm text-gray-500">{t('noBoards')}</div>;
  return (
    <Menu
      mode="inline"
      className="border-e-0"
      selectedKeys={selected ? [String(selected)] : []}
      data-testid="board-list"
      items={data.map((b) => ({
        key: String(b.id),
        label: (
          <Link to={`/board/${b.id}`} data-testid={`board-link-${b.id}`}>
            {b.name}
          </Link>
        ),
      }))}
    />
  );
}
