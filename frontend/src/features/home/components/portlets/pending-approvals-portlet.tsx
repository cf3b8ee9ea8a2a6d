import { Empty, List, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatShort } from '@/lib/dates';
import { usePortletData } from '../../api/portal-api';
import { PortletFrame } from '../portlet-frame';
import type { PortletProps } from './portlet-props';

export function PendingApprovalsPortlet({ onHide }: PortletProps) {
  const { t } = useTranslation(['home', 'common']);
  const { data, isPending, error, refetch } = usePortletData('pending-approvals');
  return (
    <PortletFrame
      type="pending-approvals"
      onHide={onHide}
      onRefresh={() => void refetch()}
      isPending={isPending}
      error={error}
      extra={data ? <Tag color={data.total ? 'red' : 'default'}>{data.total}</Tag> : null}
    >
      {data && !data.items.length ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('home:portlets.pending-approvals.empty')} />
      ) : (
        <List
          size="small"
          dataSource={data?.items ?? []}
          renderItem={(doc) => (
            <List.Item>
              <Link to={`/approval/documents/${doc.id}`} className="min-w-0 flex-1 truncate">
                {doc.title}
              </Link>
              <span className="ml-2 shrink-0 text-xs text-gray-500">
                {doc.author_name} · {formatShort(doc.submitted_at)}
              </span>
            </List.Item>
          )}
          footer={
            data && data.total > data.items.length ? (
              <Link to="/approval">{t('home:portlets.pending-approvals.more', { count: data.total })}</Link>
            ) : null
          }
        />
      )}
    </PortletFrame>
  );
}
