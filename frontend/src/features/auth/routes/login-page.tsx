import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { LanguageSwitch } from '@/components/language-switch';
import { useAuthStore } from '@/stores/auth-store';
import { LoginForm } from '../components/login-form';

/** Only same-site paths: `?next=https://evil.example` or `//evil.example` must not redirect away. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/login')) return '/';
  return next;
}

export function LoginPage() {
  const { t } = useTranslation(['auth', 'common']);
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const status = useAuthStore((s) => s.status);
  const next = safeNext(params.get('next'));

  useEffect(() => {
    document.title = `${t('auth:login.title')} · ${t('common:app.name')}`;
  }, [t]);

  if (status === 'authenticated') return <Navigate to={next} replace />;

  return (
    <div className="flex min-h-screen flex-col items-center justify-center bg-slate-100 px-4">
      <div className="absolute right-4 top-4">
        <LanguageSwitch />
      </div>
      {/* A plain box, not antd Card: Card brings Tabs and Menu into the login route's JavaScript. */}
      <div className="w-full max-w-sm rounded-lg border border-solid border-gray-200 bg-white p-6 shadow-sm" data-testid="login-card">
        <div className="mb-6 text-center">
          <div className="text-2xl font-bold text-blue-600">{t('common:app.name')}</div>
          <div className="mt-1 text-sm text-gray-500">{t('auth:login.subtitle')}</div>
        </div>
        <LoginForm onSuccess={() => navigate(next, { replace: true })} />
      </div>
    </div>
  );
}
