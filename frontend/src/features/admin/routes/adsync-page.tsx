// AD sync: the connection form (the stored bind password is never shown: the field stays empty and a save
// without it keeps the stored one), a connection test of the form as typed, run now, live status with
// progress while a sync runs, and the sync history.
import { App, Button, Card, Checkbox, Col, Descriptions, Form, Input, InputNumber, Progress, Radio, Result, Row, Space, Spin, Switch, Table, Tag } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { toApiError } from '@/lib/api-error';
import { formatDateTime } from '@/lib/dates';
import { errorMessage } from '@/lib/error-message';
import {
  MAPPABLE_FIELDS,
  runAD,
  saveADConfig,
  testAD,
  useADConfig,
  useADLogs,
  useADStatus,
  type ADConfigIn,
  type ADConfigOut,
  type ADSyncLog,
  type ADTestResult,
} from '../api/adsync-api';

interface Values {
  server_url: string;
  port: number | null;
  transport: 'ldaps' | 'starttls';
  ca_certificate: string;
  tls_server_name: string;
  bind_dn: string;
  bind_password: string;
  base_dns: string;
  user_filter: string;
  sync_schedule: string;
  is_enabled: boolean;
  mapping: Record<string, string>;
  mirror_tree: boolean;
  group_mapping: string;
}

export function toValues(c: ADConfigOut): Values {
  return {
    server_url: c.server_url ?? '',
    port: c.port ?? null,
    transport: c.use_starttls ? 'starttls' : 'ldaps',
    ca_certificate: c.ca_certificate ?? '',
    tls_server_name: c.tls_server_name ?? '',
    bind_dn: c.bind_dn ?? '',
    bind_password: '', // never filled from the server: it only ever sends whether one is stored
    base_dns: (c.base_dns ?? []).join('\n'),
    user_filter: c.user_filter,
    sync_schedule: c.sync_schedule ?? '',
    is_enabled: c.is_enabled,
    mapping: { ...c.attribute_mapping },
    mirror_tree: c.ou_mapping?.mirror_tree ?? true,
    group_mapping: Object.entries(c.group_mapping ?? {}).map(([dn, role]) => `${dn} = ${role}`).join('\n'),
  };
}

export function toConfigIn(v: Values, rules: Record<string, string>): ADConfigIn {
  const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);
  const groups: Record<string, string> = {};
  for (const line of lines(v.group_mapping ?? '')) {
    const at = line.lastIndexOf('=');
    if (at > 0) groups[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  const body: ADConfigIn = {
    server_url: v.server_url.trim(),
    port: v.port ?? null,
    use_ldaps: v.transport === 'ldaps',
    use_starttls: v.transport === 'starttls',
    ca_certificate: v.ca_certificate?.trim() || null,
    tls_server_name: v.tls_server_name?.trim() || null,
    bind_dn: v.bind_dn.trim(),
    base_dns: lines(v.base_dns ?? ''),
    user_filter: v.user_filter.trim(),
    sync_schedule: v.sync_schedule?.trim() || null,
    is_enabled: !!v.is_enabled,
    attribute_mapping: Object.fromEntries(Object.entries(v.mapping ?? {}).map(([k, a]) => [k, (a ?? '').trim()])),
    ou_mapping: { mirror_tree: !!v.mirror_tree, rules },
    group_mapping: groups,
  };
  if (v.bind_password) body.bind_password = v.bind_password;
  return body;
}

function ConfigForm({ config }: { config: ADConfigOut }) {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const [result, setResult] = useState<ADTestResult | null>(null);

  const collect = async (): Promise<ADConfigIn | null> => {
    try {
      return toConfigIn(await form.validateFields(), config.ou_mapping?.rules ?? {});
    } catch {
      return null;
    }
  };
  const onError = (e: unknown) => {
    const err = toApiError(e);
    if (err.code === 'INVALID_SCHEDULE') form.setFields([{ name: 'sync_schedule', errors: [errorMessage(t, err)] }]);
    message.error(errorMessage(t, err));
  };
  const onSave = async () => {
    const body = await collect();
    if (!body) return;
    setBusy('save');
    try {
      await saveADConfig(body);
      form.setFieldValue('bind_password', '');
      message.success(t('adsync.saved'));
      await qc.invalidateQueries({ queryKey: ['admin', 'adsync'] });
    } catch (e) {
      onError(e);
    } finally {
      setBusy(null);
    }
  };
  const onTest = async () => {
    const body = await collect();
    if (!body) return;
    setBusy('test');
    setResult(null);
    try {
      // Without a typed password the stored configuration is tested (the form cannot send the stored one).
      setResult(await testAD(body.bind_password || !config.configured ? body : null));
    } catch (e) {
      onError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Form<Values> form={form} layout="vertical" initialValues={toValues(config)} disabled={!!busy} data-testid="adsync-form">
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <Form.Item name="server_url" label={t('adsync.server')} rules={[{ required: true, pattern: /^ldaps?:\/\/\S+$/ }]}>
            <Input placeholder="ldaps://dc1.corp.example.com" data-testid="adsync-server" />
          </Form.Item>
        </Col>
        <Col xs={12} md={4}>
          <Form.Item name="port" label={t('adsync.port')}><InputNumber min={1} max={65535} className="w-full" /></Form.Item>
        </Col>
        <Col xs={12} md={8}>
          <Form.Item name="transport" label={t('adsync.transport')}>
            <Radio.Group options={[{ value: 'ldaps', label: t('adsync.ldaps') }, { value: 'starttls', label: t('adsync.starttls') }]} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="bind_dn" label={t('adsync.bindDn')} rules={[{ required: true }]}>
            <Input placeholder="CN=svc-groupware,OU=Service,DC=corp,DC=example,DC=com" data-testid="adsync-bind-dn" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name="bind_password"
            label={t('adsync.bindPassword')}
            extra={config.bind_password_set ? t('adsync.passwordStored') : t('adsync.passwordNotSet')}
            rules={[{ required: !config.bind_password_set }]}
          >
            <Input.Password autoComplete="new-password" placeholder={config.bind_password_set ? '••••••••' : ''} data-testid="adsync-bind-password" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="base_dns" label={t('adsync.baseDns')} rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={2} placeholder="OU=Staff,DC=corp,DC=example,DC=com" data-testid="adsync-base-dns" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="user_filter" label={t('adsync.filter')} rules={[{ required: true }]}><Input /></Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="tls_server_name" label={t('adsync.tlsName')}><Input data-testid="adsync-tls-name" /></Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="ca_certificate" label={t('adsync.ca')}><Input.TextArea rows={2} placeholder="-----BEGIN CERTIFICATE-----" data-testid="adsync-ca" /></Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name="sync_schedule" label={t('adsync.schedule')} extra={t('adsync.scheduleHelp')}
            rules={[{ pattern: /^\s*$|^(\S+\s+){4}\S+\s*$/ }]}>
            <Input placeholder="*/30 * * * *" data-testid="adsync-schedule" />
          </Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="is_enabled" label={t('adsync.enabled')} valuePropName="checked"><Switch data-testid="adsync-enabled" /></Form.Item>
        </Col>
        <Col xs={12} md={6}>
          <Form.Item name="mirror_tree" label={t('adsync.mirrorOus')} valuePropName="checked"><Checkbox /></Form.Item>
        </Col>
      </Row>
      <Card size="small" title={t('adsync.mapping')} className="mb-4">
        <Row gutter={12}>
          {MAPPABLE_FIELDS.map((field) => (
            <Col key={field} xs={12} md={8}>
              <Form.Item name={['mapping', field]} label={field} rules={field === 'username' || field === 'name' ? [{ required: true }] : []}>
                <Input />
              </Form.Item>
            </Col>
          ))}
        </Row>
        <Form.Item name="group_mapping" label={t('adsync.groupMapping')}>
          <Input.TextArea rows={2} placeholder="CN=GW-Admins,OU=Groups,DC=corp,DC=example,DC=com = system_admin" />
        </Form.Item>
      </Card>
      {result && (
        <div className="mb-4" data-testid="adsync-test-result" data-ok={result.ok}>
          {result.ok ? (
            <Tag color="green">{t('adsync.testOk', { ms: result.elapsed_ms })}</Tag>
          ) : (
            <Tag color="red">{t('adsync.testFailed', { stage: result.stage, message: result.message })}</Tag>
          )}
        </div>
      )}
      <Space>
        <Button onClick={onTest} loading={busy === 'test'} data-testid="adsync-test">{t('adsync.test')}</Button>
        <Button type="primary" onClick={onSave} loading={busy === 'save'} data-testid="adsync-save">{t('adsync.save')}</Button>
      </Space>
    </Form>
  );
}

function percent(log: ADSyncLog): number | undefined {
  const p = log.progress as { processed?: number; total?: number };
  return p.total ? Math.min(100, Math.round(((p.processed ?? 0) / p.total) * 100)) : undefined;
}

function StatusCard() {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [watching, setWatching] = useState(false);
  const status = useADStatus(watching);
  const [mode, setMode] = useState<'incremental' | 'full'>('incremental');
  const [busy, setBusy] = useState(false);
  const s = status.data;
  const lastId = s?.last_result?.id;
  const [startedAfter, setStartedAfter] = useState<number | undefined>(undefined);
  useEffect(() => {
    // A run finished (a newer last result): refresh the history, and stop watching once ours is in.
    void qc.invalidateQueries({ queryKey: ['admin', 'adsync', 'logs'] });
    if (watching && lastId !== undefined && lastId !== startedAfter && s?.state !== 'running') setWatching(false);
  }, [lastId]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (!watching) return undefined;
    const stop = window.setTimeout(() => setWatching(false), 120_000);
    return () => window.clearTimeout(stop);
  }, [watching]);
  const onRun = async () => {
    setBusy(true);
    try {
      setStartedAfter(lastId);
      await runAD(mode);
      setWatching(true);
      message.success(t('adsync.started'));
      await qc.invalidateQueries({ queryKey: ['admin', 'adsync'] });
    } catch (e) {
      message.error(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={t('adsync.status')} className="mb-4" data-testid="adsync-status">
      {!s ? (
        <Spin />
      ) : (
        <>
          <Descriptions size="small" column={{ xs: 1, md: 3 }}>
            <Descriptions.Item label={t('adsync.status')}>
              <Tag color={s.state === 'running' ? 'processing' : s.state === 'idle' ? 'green' : 'default'} data-testid="adsync-state">
                {t(`adsync.states.${s.state}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('adsync.schedule')}>{s.schedule ?? '—'} {s.schedule_enabled ? <Tag color="green">ON</Tag> : null}</Descriptions.Item>
            <Descriptions.Item label={t('adsync.nextRun')}>{formatDateTime(s.next_run_at) || '—'}</Descriptions.Item>
            {s.last_result && (
              <Descriptions.Item label={t('adsync.lastResult')} span={3}>
                <Tag>{t(`adsync.logStatus.${s.last_result.status}`, { defaultValue: s.last_result.status })}</Tag> {formatDateTime(s.last_result.sync_completed_at ?? s.last_result.sync_started_at)} ·{' '}
                {s.last_result.created_count} / {s.last_result.updated_count} / {s.last_result.deactivated_count} / {s.last_result.error_count}
              </Descriptions.Item>
            )}
          </Descriptions>
          {s.running && (
            <div className="my-2" data-testid="adsync-progress">
              {t('adsync.progress')}: <Progress percent={percent(s.running)} status="active" />
            </div>
          )}
          <Space className="mt-2">
            <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as 'incremental' | 'full')}
              options={[{ value: 'incremental', label: t('adsync.incremental') }, { value: 'full', label: t('adsync.full') }]} />
            <Button type="primary" onClick={onRun} loading={busy} disabled={s.state !== 'idle'} data-testid="adsync-run">{t('adsync.runNow')}</Button>
            {s.temporal_ui_url && s.schedule_id && (
              <a href={`${s.temporal_ui_url}/namespaces/default/schedules/${encodeURIComponent(s.schedule_id)}`} target="_blank" rel="noreferrer noopener">
                {t('adsync.openTemporal')}
              </a>
            )}
          </Space>
        </>
      )}
    </Card>
  );
}

function LogsCard() {
  const { t } = useTranslation('admin');
  const [page, setPage] = useState(1);
  const logs = useADLogs(page);
  return (
    <Card size="small" title={t('adsync.logs')}>
      <Table<ADSyncLog>
        rowKey="id"
        size="small"
        loading={logs.isLoading}
        dataSource={logs.data?.data ?? []}
        pagination={{ current: page, pageSize: 10, total: logs.data?.pagination.total ?? 0, onChange: setPage, showSizeChanger: false }}
        expandable={{ rowExpandable: (r) => r.error_details.length > 0, expandedRowRender: (r) => <pre className="m-0 whitespace-pre-wrap text-xs">{JSON.stringify(r.error_details, null, 2)}</pre> }}
        data-testid="adsync-logs"
        columns={[
          { title: t('adsync.started_at'), dataIndex: 'sync_started_at', render: (v: string) => formatDateTime(v) },
          { title: t('adsync.finished_at'), dataIndex: 'sync_completed_at', render: (v: string | null) => formatDateTime(v) },
          { title: t('adsync.status'), dataIndex: 'status', render: (v: string) => (
              <Tag color={v === 'completed' ? 'green' : v === 'running' ? 'processing' : v === 'partial' ? 'orange' : 'red'}>
                {t(`adsync.logStatus.${v}`, { defaultValue: v })}
              </Tag>
            ) },
          { title: t('adsync.mode'), dataIndex: 'mode', render: (v: string) => (v === 'full' ? t('adsync.full') : t('adsync.incremental')) },
          { title: t('adsync.trigger'), dataIndex: 'trigger', render: (v: string) => t(`adsync.triggers.${v}`, { defaultValue: v }) },
          { title: t('adsync.counts'), render: (_, r) => `${r.created_count} / ${r.updated_count} / ${r.deactivated_count} / ${r.error_count}` },
        ]}
      />
    </Card>
  );
}

export function ADSyncPage() {
  const { t } = useTranslation('admin');
  const config = useADConfig();
  if (config.isError) {
    const e = toApiError(config.error);
    if (e.isNotFound) return <Result status="info" title={t('adsync.title')} subTitle={errorMessage(t, e)} />;
    return <ErrorState error={config.error} onRetry={() => config.refetch()} />;
  }
  return (
    <div data-testid="admin-adsync-page">
      <PageHeader title={t('adsync.title')} />
      <StatusCard />
      <Card size="small" title={t('adsync.config')} className="mb-4">
        {config.data ? <ConfigForm config={config.data} /> : <Spin />}
      </Card>
      <LogsCard />
    </div>
  );
}
