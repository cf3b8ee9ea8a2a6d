// Password change. Client rules: what every policy the server accepts requires (8+ characters, at most
// 72 bytes, not the username, confirmation matches); the configured policy is enforced by the server and its
// WEAK_PASSWORD requirements are shown under the new password.
import { Alert, Form, Input, Modal, message } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';
import { applyFieldErrors } from '@/lib/form-errors';
import { useAuthStore } from '@/stores/auth-store';
import { changePassword } from '../api/auth-api';

interface Values {
  current_password: string;
  new_password: string;
  confirm: string;
}

export const MIN_PASSWORD_LENGTH = 8;
const encoder = new TextEncoder();

export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation(['auth', 'common']);
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const username = useAuthStore((s) => s.user?.username ?? '');

  const close = () => {
    form.resetFields();
    setError(null);
    onClose();
  };

  const submit = async () => {
    const values = await form.validateFields();
    setError(null);
    setSaving(true);
    try {
      await changePassword(values.current_password, values.new_password);
      void message.success(t('auth:password.changed'));
      close();
    } catch (err) {
      const e = toApiError(err);
      if (e.code === 'INVALID_CREDENTIALS') {
        form.setFields([{ name: 'current_password', errors: [t('auth:password.currentWrong')] }]);
      } else if (e.code === 'WEAK_PASSWORD') {
        const reqs = Array.isArray(e.details.requirements) ? e.details.requirements.map(String) : [];
        form.setFields([{ name: 'new_password', errors: [t('auth:password.weak'), ...reqs] }]);
      } else if (e.code === 'PASSWORD_REUSED') {
        form.setFields([{ name: 'new_password', errors: [t('auth:password.reused')] }]);
      } else if (!applyFieldErrors(form, e)) {
        setError(errorMessage(t, e));
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('auth:password.title')}
      okText={t('common:actions.save')}
      cancelText={t('common:actions.cancel')}
      onOk={submit}
      onCancel={close}
      confirmLoading={saving}
      destroyOnClose
      okButtonProps={{ 'data-testid': 'password-submit' }}
    >
      {error && <Alert className="mb-4" type="error" showIcon message={error} />}
      <Form<Values> form={form} layout="vertical" data-testid="password-form" requiredMark={false}>
        <Form.Item
          name="current_password"
          label={t('auth:password.current')}
          rules={[{ required: true, message: t('common:validation.required') }]}
        >
          <Input.Password autoComplete="current-password" data-testid="password-current" />
        </Form.Item>
        <Form.Item
          name="new_password"
          label={t('auth:password.new')}
          extra={t('auth:password.hint', { min: MIN_PASSWORD_LENGTH })}
          rules={[
            { required: true, message: t('common:validation.required') },
            { min: MIN_PASSWORD_LENGTH, message: t('common:validation.minLength', { min: MIN_PASSWORD_LENGTH }) },
            {
              validator: (_r, v: string | undefined) =>
                v && encoder.encode(v).length > 72 ? Promise.reject(new Error(t('auth:password.tooLong'))) : Promise.resolve(),
            },
            {
              validator: (_r, v: string | undefined) =>
                v && username && v.toLowerCase().includes(username.toLowerCase())
                  ? Promise.reject(new Error(t('auth:password.containsUsername')))
                  : Promise.resolve(),
            },
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="password-new" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('auth:password.confirm')}
          dependencies={['new_password']}
          rules={[
            { required: true, message: t('common:validation.required') },
            ({ getFieldValue }) => ({
              validator: (_r, v: string | undefined) =>
                !v || v === getFieldValue('new_password') ? Promise.resolve() : Promise.reject(new Error(t('auth:password.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="password-confirm" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
