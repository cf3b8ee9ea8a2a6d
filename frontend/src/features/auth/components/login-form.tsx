// The sign-in form. Client rules mirror the server's LoginRequest (username 1-64, password 1-128); the
// server's answer (wrong credentials, lock-out, rate limit, validation) shows above or next to the fields.
// Built without antd's Form on purpose: Form (with its tooltip and validator machinery) would be ~30 KiB
// gzipped of the login route's 250 KiB budget.
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Input } from 'antd';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';
import { login } from '../api/auth-api';

type Field = 'username' | 'password';
type Errors = Partial<Record<Field, string>>;

export const USERNAME_MAX = 64;
export const PASSWORD_MAX = 128;

type T = (key: string, options?: Record<string, unknown>) => string;

export function validateLogin(t: T, username: string, password: string): Errors {
  const errors: Errors = {};
  if (!username.trim()) errors.username = t('auth:login.usernameRequired');
  else if (username.trim().length > USERNAME_MAX) errors.username = t('common:validation.maxLength', { max: USERNAME_MAX });
  if (!password) errors.password = t('auth:login.passwordRequired');
  else if (password.length > PASSWORD_MAX) errors.password = t('common:validation.maxLength', { max: PASSWORD_MAX });
  return errors;
}

export function loginErrorMessage(t: T, error: unknown): string {
  const e = toApiError(error);
  switch (e.code) {
    case 'INVALID_CREDENTIALS':
      return t('auth:login.invalidCredentials');
    case 'ACCOUNT_LOCKED': {
      const seconds = Number(e.details.retry_after ?? e.retryAfter ?? 0);
      return t('auth:login.locked', { minutes: Math.max(1, Math.ceil(seconds / 60)) });
    }
    case 'ACCOUNT_INACTIVE':
      return t('auth:login.inactive');
    default:
      return errorMessage(t as never, e);
  }
}

function FieldError({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <div id={id} className="mt-1 text-sm text-red-600" role="alert" data-testid={id}>
      {message}
    </div>
  );
}

export function LoginForm({ onSuccess }: { onSuccess: () => void }) {
  const { t } = useTranslation(['auth', 'common']);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = validateLogin(t, username, password);
    setErrors(found);
    setError(null);
    if (found.username || found.password) return;
    setSubmitting(true);
    try {
      await login(username.trim(), password);
      onSuccess();
    } catch (err) {
      const e = toApiError(err);
      const fields: Errors = {};
      for (const field of ['username', 'password'] as const) {
        const messages = e.fieldErrors[field];
        if (messages?.length) fields[field] = messages.join(' ');
      }
      if (fields.username || fields.password) setErrors(fields);
      else setError(loginErrorMessage(t, e));
      if (e.code === 'INVALID_CREDENTIALS') setPassword('');
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate data-testid="login-form" className="flex flex-col gap-4">
      {error && <Alert type="error" showIcon message={error} data-testid="login-error" />}
      <div>
        <label htmlFor="login-username" className="mb-1 block text-sm font-medium text-gray-700">
          {t('auth:login.username')}
        </label>
        <Input
          id="login-username"
          size="large"
          prefix={<UserOutlined />}
          autoComplete="username"
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          status={errors.username ? 'error' : undefined}
          aria-invalid={!!errors.username}
          aria-describedby={errors.username ? 'login-username-error' : undefined}
          disabled={submitting}
          data-testid="login-username"
        />
        <FieldError id="login-username-error" message={errors.username} />
      </div>
      <div>
        <label htmlFor="login-password" className="mb-1 block text-sm font-medium text-gray-700">
          {t('auth:login.password')}
        </label>
        <Input.Password
          id="login-password"
          size="large"
          prefix={<LockOutlined />}
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          status={errors.password ? 'error' : undefined}
          aria-invalid={!!errors.password}
          aria-describedby={errors.password ? 'login-password-error' : undefined}
          disabled={submitting}
          data-testid="login-password"
        />
        <FieldError id="login-password-error" message={errors.password} />
      </div>
      <Button type="primary" htmlType="submit" size="large" block loading={submitting} data-testid="login-submit">
        {t('auth:login.submit')}
      </Button>
    </form>
  );
}
