// The audit log, newest first, filtered by action, target type or user; each row expands to its details.
import { Input, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmployeeSelect } from '@/components/employee-select';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { formatDateTime } from '@/lib/dates';
import { useAuditLogs, type AuditLog } from '../api/admin-api';

export function AuditPage() {
  const { t } = useTranslation('admin');
  const [page, setPage] = useState(1);
  const [action, setAction] = useState('');
  const [target, setTarget] = useState('');
  const [actor, setActor] = useState<number | null>(null);
  const logs = useAuditLogs({ page, action, target_type: target, actor_id: actor });
  return (
    <div data-testid="admin-audit-page">
      <PageHeader title={t('audit.title')} />
      <Space className="mb-3" wrap>
        <Input.Search allowClear placeholder={t('audit.filterAction')} onSearch={(v) => { setAction(v.trim()); setPage(1); }} style={{ width: 220 }} />
        <Input.Search allowClear placeholder={t('audit.filterTarget')} onSearch={(v) => { setTarget(v.trim()); setPage(1); }} style={{ width: 200 }} />
        <EmployeeSelect className="!w-56" value={actor} onChange={(id) => { setActor(id); setPage(1); }} placeholder={t('audit.actor')} />
      </Space>
      {logs.isError ? (
        <ErrorState error={logs.error} onRetry={() => logs.refetch()} />
      ) : (
        <Table<AuditLog>
          rowKey="id"
          size="small"
          loading={logs.isFetching}
          dataSource={logs.data?.data ?? []}
          pagination={{ current: page, pageSize: 50, total: logs.data?.pagination.total ?? 0, onChange: setPage, showSizeChanger: false }}
          expandable={{ expandedRowRender: (r) => <pre className="m-0 whitespace-pre-wrap text-xs">{JSON.stringify(r.details, null, 2)}</pre> }}
          data-testid="audit-table"
          columns={[
            { title: t('audit.time'), dataIndex: 'created_at', width: 180, render: (v: string) => formatDateTime(v) },
            { title: t('audit.actor'), dataIndex: 'actor_username', width: 140 },
            { title: t('audit.action'), dataIndex: 'action', render: (v: string) => <code>{v}</code> },
            { title: t('audit.target'), render: (_, r) => (r.target_type ? `${r.target_type} ${r.target_id ?? ''}` : '') },
            { title: t('audit.result'), dataIndex: 'success', width: 80, render: (v: boolean) => (v ? <Tag color="green">{t('audit.success')}</Tag> : <Tag color="red">{t('audit.failure')}</Tag>) },
            { title: t('audit.channel'), dataIndex: 'channel', width: 80 },
            { title: t('audit.ip'), dataIndex: 'ip', width: 130 },
          ]}
        />
      )}
    </div>
  );
}
