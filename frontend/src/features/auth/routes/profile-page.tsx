// My profile: what the directory shows of me, and the fields I may change myself (English name, phone,
// picture URL); rules mirror the server's MeUpdate.
import { Alert, Button, Card, Descriptions, Form, Input, message } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '@/components/page-header';
import { UserAvatar } from '@/components/user-avatar';
import { formatDateTime } from '@/lib/dates';
import { toApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';
import { applyFieldErrors } from '@/lib/form-errors';
import { queryClient } from '@/lib/query-client';
import { useAuthStore } from '@/stores/auth-store';
import { updateMe } from '../api/auth-api';

interface Values {
  name_en: string;
  phone: string;
  profile_image_url: string;
}

export const PHONE_PATTERN = /^[0-9+() .-]{3,32}$/;
export const URL_PATTERN = /^(https?:\/\/|\/)[^\s<>"']*$/;

export function ProfilePage() {
  const { t } = useTranslation(['auth', 'common']);
  const user = useAuthStore((s) => s.user);
  const setUser = useAuthStore((s) => s.setUser);
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  if (!user) return null;

  const save = async (values: Values) => {
    setError(null);
    setSaving(true);
    try {
      const blankToNull = (v: string) => (v.trim() ? v.trim() : null);
      const updated = await updateMe({
        name_en: blankToNull(values.name_en),
        phone: blankToNull(values.phone),
        profile_image_url: blankToNull(values.profile_image_url),
      });
      setUser(updated);
      void queryClient.invalidateQueries({ queryKey: ['portal', 'data', 'my-profile'] });
      void message.success(t('common:messages.saved'));
    } catch (err) {
      const e = toApiError(err);
      if (!applyFieldErrors(form, e)) setError(errorMessage(t, e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="mx-auto max-w-3xl" data-testid="profile-page">
      <PageHeader title={t('auth:profile.title')} />
      <Card>
        <div className="mb-4 flex items-center gap-4">
          <UserAvatar name={user.name} url={user.profile_image_url} size={64} />
          <div>
            <div className="text-lg font-semibold">{user.name}</div>
            <div className="text-gray-500">{[user.department_name, user.position, user.job_title].filter(Boolean).join(' · ')}</div>
          </div>
        </div>
        <Descriptions column={{ xs: 1, sm: 2 }} size="small" bordered>
          <Descriptions.Item label={t('auth:profile.username')}>{user.username}</Descriptions.Item>
          <Descriptions.Item label={t('auth:profile.employeeNumber')}>{user.employee_number ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t('auth:profile.email')}>{user.email ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t('auth:profile.roles')}>
            {(user.roles ?? []).map((r) => t(`common:roles.${r}`, { defaultValue: r })).join(', ')}
          </Descriptions.Item>
          <Descriptions.Item label={t('auth:profile.lastLogin')}>{formatDateTime(user.last_login_at)}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card className="mt-4" title={t('auth:profile.editTitle')}>
        {error && <Alert className="mb-4" type="error" showIcon message={error} />}
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={save}
          data-testid="profile-form"
          initialValues={{
            name_en: user.name_en ?? '',
            phone: user.phone ?? '',
            profile_image_url: user.profile_image_url ?? '',
          }}
        >
          <Form.Item name="name_en" label={t('auth:profile.nameEn')} rules={[{ max: 100, message: t('common:validation.maxLength', { max: 100 }) }]}>
            <Input data-testid="profile-name-en" />
          </Form.Item>
          <Form.Item
            name="phone"
            label={t('auth:profile.phone')}
            rules={[{ pattern: PHONE_PATTERN, message: t('auth:profile.phoneInvalid') }]}
          >
            <Input data-testid="profile-phone" />
          </Form.Item>
          <Form.Item
            name="profile_image_url"
            label={t('auth:profile.imageUrl')}
            rules={[
              { max: 500, message: t('common:validation.maxLength', { max: 500 }) },
              { pattern: URL_PATTERN, message: t('auth:profile.urlInvalid') },
            ]}
          >
            <Input data-testid="profile-image-url" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={saving} data-testid="profile-submit">
            {t('common:actions.save')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
