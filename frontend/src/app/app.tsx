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
import { preloadHome } from '@/features/home/preload-home';
import { initI18n } from '@/lib/i18n';
import { queryClient } from '@/lib/query-client';
import { refreshTokenStorage } from '@/lib/refresh-token';
import { useAuthStore } from '@/stores/auth-store';
import { useUiStore } from '@/stores/ui-store';

/** How long the first render may wait for the home page's data once the session is ready. */
const HOME_WAIT_MS = 300;

/**
 * A reload of the home page asks for its layout and portlet data as soon as the session is renewed, in
 * parallel with the profile and the route's code, rather than after the page has rendered. The first
 * render (one long task) waits briefly for them, so the grid shows with its data in one pass instead of
 * the responses queueing behind the render and the portlets rendering twice.
 */
function preloadHomeOnRestore(): Promise<void> | null {
  if (window.location.pathname !== '/' || !refreshTokenStorage.get()) return null;
  const preload = () => preloadHome(queryClient).catch(() => undefined);
  if (useAuthStore.getState().accessToken) return preload();
  return new Promise<void>((resolve) => {
    const unsubscribe = useAuthStore.subscribe((s) => {
      if (s.accessToken) {
        unsubscribe();
        void preload().then(resolve);
      } else if (s.status === 'anonymous') {
        unsubscribe();
        resolve();
      }
    });
  });
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function SessionGate() {
  const { t } = useTranslation();
  const [state, setState] = useState<BootstrapResult | 'loading'>('loading');
  const [router] = useState(createAppRouter);

  const start = () => {
    setState('loading');
    // The screens' strings load alongside the session; a missing strings chunk is not fatal (keys show).
    const strings = initI18n(useUiStore.getState().language).catch(() => undefined);
    const home = preloadHomeOnRestore();
    void Promise.all([bootstrapSession(), strings]).then(async ([result]) => {
      if (home && result === 'authenticated') await Promise.race([home, delay(HOME_WAIT_MS)]);
      setState(result);
    });
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
