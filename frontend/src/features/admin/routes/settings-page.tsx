// System settings: the whole typed document (company, default language, SLA defaults, upload limit,
// password policy) saved at once; the server's bounds are mirrored in the inputs.
import { Alert, App, Button, Card, Form, Input, InputNumber, Select, Spin } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { formatDateTime } from '@/lib/dates';
import { errorMessage } from '@/lib/error-message';
import { adminKeys, saveSystemSettings, useSystemSettings, type SystemSettings } from '../api/admin-api';

export function SettingsPage() {
  const { t } = useTranslation('admin');
  const { message } = App.useApp();
  const qc = useQueryClient();
  const query = useSystemSettings();
  const [form] = Form.useForm<SystemSettings>();
  const [busy, setBusy] = useState(false);
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (!query.data) return <Spin className="m-8" />;
  const onFinish = async (v: SystemSettings) => {
    setBusy(true);
    try {
      await saveSystemSettings(v);
      message.success(t('common.saved'));
      await qc.invalidateQueries({ queryKey: adminKeys.settings });
    } catch (e) {
      message.error(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div data-testid="admin-settings-page">
      <PageHeader title={t('settings.title')} subtitle={query.data.updated_at ? `${t('settings.updated')}: ${formatDateTime(query.data.updated_at)}` : undefined} />
      {query.data.is_default && <Alert className="mb-4" type="info" showIcon message={t('settings.defaults')} />}
      <Form<SystemSettings> form={form} layout="vertical" initialValues={query.data.settings} onFinish={onFinish} disabled={busy} style={{ maxWidth: 640 }}>
        <Card size="small" className="mb-4">
          <Form.Item name="company_name" label={t('settings.company')} rules={[{ required: true, whitespace: true, max: 100 }]}><Input data-testid="settings-company" /></Form.Item>
          <Form.Item name="default_locale" label={t('settings.locale')}><Select options={[{ value: 'ko', label: '한국어' }, { value: 'en', label: 'English' }]} /></Form.Item>
        </Card>
        <Card size="small" className="mb-4" title={t('settings.sla')}>
          <div className="flex gap-4">
            <Form.Item name={['sla', 'reminder_hours']} label={t('settings.reminder')} rules={[{ required: true }]}><InputNumber min={1} max={720} precision={0} /></Form.Item>
            <Form.Item
              name={['sla', 'escalation_hours']}
              label={t('settings.escalation')}
              dependencies={[['sla', 'reminder_hours']]}
              rules={[
                { required: true },
                ({ getFieldValue }) => ({
                  validator: async (_r, v: number) => {
                    if (v < (getFieldValue(['sla', 'reminder_hours']) as number)) throw new Error(`≥ ${t('settings.reminder')}`);
                  },
                }),
              ]}
            >
              <InputNumber min={1} max={2160} precision={0} />
            </Form.Item>
          </div>
        </Card>
        <Card size="small" className="mb-4">
          <Form.Item name={['uploads', 'max_upload_mb']} label={t('settings.uploads')} rules={[{ required: true }]}><InputNumber min={1} max={100} precision={0} /></Form.Item>
        </Card>
        <Card size="small" className="mb-4" title={t('settings.passwordPolicy')}>
          <div className="flex gap-4">
            <Form.Item name={['password_policy', 'min_length']} label={t('settings.minLength')} rules={[{ required: true }]}><InputNumber min={8} max={64} precision={0} /></Form.Item>
            <Form.Item name={['password_policy', 'require_classes']} label={t('settings.classes')} rules={[{ required: true }]}><InputNumber min={1} max={4} precision={0} /></Form.Item>
          </div>
        </Card>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="settings-save">{t('common.save')}</Button>
      </Form>
    </div>
  );
}
