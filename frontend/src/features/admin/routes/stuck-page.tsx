// Stuck approvals: runs past their step deadline or with a failing task, each linked to its run in the
// Temporal UI (the server builds the link from its GW_TEMPORAL_UI_URL setting); above them, the notification
// mail not sent yet and the state of the workflow that sends it.
import { ExportOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { formatDateTime } from '@/lib/dates';
import { useMailStatus, useStuckApprovals, type MailStatus, type Stuck } from '../api/admin-api';

export function MailDeliveryCard({ mail }: { mail: MailStatus }) {
  const { t } = useTranslation('admin');
  const { outbox, delivery } = mail;
  const healthy = delivery.status === 'running' && delivery.shift_running && (delivery.shift_attempt ?? 1) <= 1;
  return (
    <Card size="small" className="mb-4" title={t('mail.title')} data-testid="mail-status">
      <Descriptions size="small" column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label={t('mail.waiting')}>{outbox.waiting}</Descriptions.Item>
        <Descriptions.Item label={t('mail.retrying')}>
          {outbox.retrying ? <Tag color="orange">{outbox.retrying}</Tag> : 0}
        </Descriptions.Item>
        <Descriptions.Item label={t('mail.givenUp')}>
          {outbox.given_up ? <Tag color="red">{outbox.given_up}</Tag> : 0}
        </Descriptions.Item>
        {outbox.oldest_waiting_at && (
          <Descriptions.Item label={t('mail.oldest')}>{formatDateTime(outbox.oldest_waiting_at)}</Descriptions.Item>
        )}
        {outbox.last_error && (
          <Descriptions.Item label={t('mail.lastError')} span={2}><code>{outbox.last_error}</code></Descriptions.Item>
        )}
        <Descriptions.Item label={t('mail.delivery')} span={3}>
          <Tag color={healthy ? 'green' : 'red'} data-testid="mail-delivery-status">
            {t(`mail.status.${delivery.status}`, { defaultValue: delivery.status })}
          </Tag>
          {delivery.status === 'running' && (delivery.shift_running ? t('mail.shift') : t('mail.noShift'))}
          {(delivery.shift_attempt ?? 1) > 1 && <> · {t('mail.attempt', { n: delivery.shift_attempt })}</>}
          {delivery.last_failure && <> · <code>{delivery.last_failure}</code></>}
          {' '}
          <a href={delivery.temporal_ui_url} target="_blank" rel="noreferrer noopener">
            {t('stuck.open')} <ExportOutlined />
          </a>
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

export function StuckPage() {
  const { t } = useTranslation('admin');
  const stuck = useStuckApprovals();
  const mail = useMailStatus();
  return (
    <div data-testid="admin-stuck-page">
      <PageHeader
        title={t('stuck.title')}
        extra={
          <Button
            icon={<ReloadOutlined />}
            onClick={() => {
              stuck.refetch();
              mail.refetch();
            }}
            loading={stuck.isFetching || mail.isFetching}
          >
            {t('common.refresh')}
          </Button>
        }
      />
      {mail.data && <MailDeliveryCard mail={mail.data} />}
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
