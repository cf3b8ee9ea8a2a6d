// The root: restores the session from this tab's refresh token, then hands over to the router.
import { Button } from 'antd';
import { StatusPage } from '@/components/status-page';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RouterProvider } from 'react-router-dom';
import { AppProvider } from '@/app/provider';
import { createAppRouter } from '@/app/router';
import { PageSkeleton } from '@/components/page-skeleton';
import { bootstrapSession, type BootstrapResult } from '@/features/auth/api/auth-api';
import { initI18n } from '@/lib/i18n';
import { useUiStore } from '@/stores/ui-store';

function SessionGate() {
  const { t } = useTranslation();
  const [state, setState] = useState<BootstrapResult | 'loading'>('loading');
  const [router] = useState(createAppRouter);

  const start = () => {
    setState('loading');
    // The screens' strings load alongside the session; a missing strings chunk is not fatal (keys show).
    const strings = initI18n(useUiStore.getState().language).catch(() => undefined);
    void Promise.all([bootstrapSession(), strings]).then(([result]) => setState(result));
  };
  useEffect(start, []);

  if (state === 'loading') {
    return (
      <div className="flex min-h-screen items-center justify-center" data-testid="app-loading" aria-busy="true">
        <div className="h-10 w-10 animate-spin rounded-full border-4 border-solid border-blue-200 border-t-blue-600" />
      </div>
    );
  }
  if (state === 'offline') {
    return (
      <StatusPage
        kind="warning"
        title={t('errors.networkTitle')}
        text={t('errors.networkText')}
        data-testid="error-state"
        extra={
          <Button type="primary" onClick={start} data-testid="retry-button">
            {t('actions.retry')}
          </Button>
        }
      />
    );
  }
  return <RouterProvider router={router} fallbackElement={<PageSkeleton />} future={{ v7_startTransition: true }} />;
}

export function App() {
  return (
    <AppProvider>
      <SessionGate />
    </AppProvider>
  );
}
