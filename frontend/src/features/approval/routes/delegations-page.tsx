// 대결 settings: name a delegate for a date range (the server refuses overlaps, the past and oneself),
// see delegations given to me, revoke mine.
import { App, Button, Card, DatePicker, Form, Input, Popconfirm, Table, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmployeeSelect } from '@/components/employee-select';
import { PageHeader } from '@/components/page-header';
import { ErrorState } from '@/components/error-state';
import { dayjs, formatDate } from '@/lib/dates';
import { errorMessage } from '@/lib/error-message';
import { useAuthStore } from '@/stores/auth-store';
import { createDelegation, revokeDelegation, useDelegations, keys, type Delegation } from '../api/approval-api';
import { usePeople } from '../api/people';
import { useQueryClient } from '@tanstack/react-query';

interface Values {
  delegate_id: number | null;
  period: [Dayjs, Dayjs] | null;
  reason: string;
}

export function DelegationsPage() {
  const { t } = useTranslation('approval');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useAuthStore((s) => s.user);
  const list = useDelegations();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const { people } = usePeople((list.data ?? []).map((d) => d.delegator_id));
  const refresh = () => qc.invalidateQueries({ queryKey: keys.delegations });

  const onFinish = async (v: Values) => {
    if (!v.delegate_id || !v.period) return;
    setBusy(true);
    try {
      await createDelegation({
        delegate_id: v.delegate_id,
        starts_on: v.period[0].format('YYYY-MM-DD'),
        ends_on: v.period[1].format('YYYY-MM-DD'),
        reason: v.reason?.trim() || null,
      });
      message.success(t('delegations.created'));
      form.resetFields();
      await refresh();
    } catch (e) {
      message.error(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };

  const given = (list.data ?? []).filter((d) => d.delegator_id === me?.id);
  const received = (list.data ?? []).filter((d) => d.delegate_id === me?.id);
  const period = (d: Delegation) => `${formatDate(d.starts_on)} ~ ${formatDate(d.ends_on)}`;
  const today = dayjs().format('YYYY-MM-DD');
  const activeTag = (d: Delegation) =>
    d.starts_on <= today && today <= d.ends_on ? <Tag color="green">ON</Tag> : null;

  return (
    <div data-testid="delegations-page">
      <PageHeader title={t('delegations.title')} subtitle={t('delegations.help')} />
      <Card size="small" className="mb-4">
        <Form<Values> form={form} layout="inline" onFinish={onFinish} disabled={busy} className="gap-y-2">
          <Form.Item name="delegate_id" label={t('delegations.delegate')} rules={[{ required: true, message: t('delegations.delegateRequired') }]}>
            <EmployeeSelect className="!w-64" excludeIds={me ? [me.id] : []} data-testid="delegation-delegate" />
          </Form.Item>
          <Form.Item name="period" label={t('delegations.period')} rules={[{ required: true, message: t('delegations.periodRequired') }]}>
            <DatePicker.RangePicker disabledDate={(d) => d.isBefore(dayjs(), 'day')} data-testid="delegation-period" />
          </Form.Item>
          <Form.Item name="reason" label={t('delegations.reason')}>
            <Input maxLength={200} data-testid="delegation-reason" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="delegation-add">{t('delegations.add')}</Button>
        </Form>
      </Card>
      {list.isError ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : (
        <>
          <Card size="small" title={t('delegations.given')} className="mb-4">
            <Table<Delegation>
              rowKey="id"
              size="small"
              loading={list.isLoading}
              dataSource={given}
              pagination={false}
              data-testid="delegations-given"
              columns={[
                { title: t('delegations.delegate'), render: (_, d) => <>{d.delegate_name ?? d.delegate_id} {activeTag(d)}</> },
                { title: t('delegations.period'), render: (_, d) => period(d) },
                { title: t('delegations.reason'), dataIndex: 'reason' },
                {
                  title: '',
                  width: 90,
                  render: (_, d) => (
                    <Popconfirm title={t('delegations.revokeConfirm')} onConfirm={async () => {
                      try {
                        await revokeDelegation(d.id);
                        message.success(t('delegations.revoked'));
                        await refresh();
                      } catch (e) {
                        message.error(errorMessage(t, e));
                      }
                    }}>
                      <Button size="small" danger data-testid={`delegation-revoke-${d.id}`}>{t('delegations.revoke')}</Button>
                    </Popconfirm>
                  ),
                },
              ]}
            />
          </Card>
          <Card size="small" title={t('delegations.received')}>
            <Table<Delegation>
              rowKey="id"
              size="small"
              loading={list.isLoading}
              dataSource={received}
              pagination={false}
              columns={[
                { title: t('delegations.from'), render: (_, d) => <>{people.get(d.delegator_id)?.name ?? d.delegator_id} {activeTag(d)}</> },
                { title: t('delegations.period'), render: (_, d) => period(d) },
                { title: t('delegations.reason'), dataIndex: 'reason' },
              ]}
            />
          </Card>
        </>
      )}
    </div>
  );
}
