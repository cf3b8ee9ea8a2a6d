import { Button } from 'antd';
import { StatusPage } from '@/components/status-page';
import { useTranslation } from 'react-i18next';
import { isRouteErrorResponse, useRouteError } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { NotFoundPage } from '@/components/not-found-page';
import { ApiError } from '@/lib/api-error';

/** A route that failed to load or render: a stale chunk after a deploy, a lost network, a bug. */
export function RouteError() {
  const { t } = useTranslation();
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundPage />;
  if (error instanceof ApiError) return <ErrorState error={error} onRetry={() => window.location.reload()} />;
  const chunk = error instanceof Error && /dynamically imported module|Importing a module script failed|Loading chunk/i.test(error.message);
  return (
    <StatusPage
      kind={chunk ? 'warning' : 'error'}
      title={chunk ? t('errors.networkTitle') : t('errors.genericTitle')}
      text={chunk ? t('errors.reloadText') : t('errors.pageCrashed')}
      data-testid="route-error"
      extra={
        <Button type="primary" onClick={() => window.location.reload()} data-testid="retry-button">
          {t('actions.reload')}
        </Button>
      }
    />
  );
}
