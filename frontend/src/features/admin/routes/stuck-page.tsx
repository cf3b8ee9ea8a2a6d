// Stuck approvals: runs past their step deadline or with a failing task, each linked to its run in the
// Temporal UI (the server builds the link from its GW_TEMPORAL_UI_URL setting).
import { ExportOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { formatDateTime } from '@/lib/dates';
import { useStuckApprovals, type Stuck } from '../api/admin-api';

export function StuckPage() {
  const { t } = useTranslation('admin');
  const stuck = useStuckApprovals();
  return (
    <div data-testid="admin-stuck-page">
      <PageHeader
        title={t('stuck.title')}
        extra={<Button icon={<ReloadOutlined />} onClick={() => stuck.refetch()} loading={stuck.isFetching}>{t('common.refresh')}</Button>}
      />
      <Alert className="mb-4" type="info" showIcon message={t('stuck.help')} />
      {stuck.isError ? (
        <ErrorState error={stuck.error} onRetry={() => stuck.refetch()} />
      ) : (
        <Table<Stuck>
          rowKey="workflow_id"
          size="middle"
          loading={stuck.isLoading}
          dataSource={stuck.data ?? []}
          locale={{ emptyText: t('stuck.none') }}
          pagination={false}
          data-testid="stuck-table"
          columns={[
            {
              title: t('stuck.document'),
              render: (_, r) => (r.document_id ? <Link to={`/approval/documents/${r.document_id}`}>#{r.document_id}</Link> : <code>{r.workflow_id}</code>),
            },
            { title: t('stuck.reasons'), render: (_, r) => r.reasons.map((x) => <Tag key={x} color="red">{t(`stuck.reasonNames.${x}`, { defaultValue: x })}</Tag>) },
            { title: t('stuck.deadline'), dataIndex: 'step_deadline', render: (v: string | null) => formatDateTime(v) },
            { title: t('stuck.approvers'), render: (_, r) => r.current_approvers.join(', ') },
            { title: t('stuck.activity'), render: (_, r) => (r.failing_activity ? `${r.failing_activity} × ${r.activity_attempts ?? ''}` : '') },
            {
              title: '',
              render: (_, r) => (
                <a href={r.temporal_ui_url} target="_blank" rel="noreferrer noopener" data-testid="stuck-temporal-link">
                  {t('stuck.open')} <ExportOutlined />
                </a>
              ),
            },
          ]}
        />
      )}
    </div>
  );
}
