import { CheckCircleOutlined, ExclamationCircleOutlined, LoadingOutlined, UndoOutlined } from '@ant-design/icons';
import { Button, Empty, Popconfirm, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { errorMessage } from '@/lib/error-message';
import { useAuthStore } from '@/stores/auth-store';
import { useLayoutStore } from '@/stores/layout-store';
import { PortletCatalogue } from '../components/portlet-catalogue';
import { PortletGrid } from '../components/portlet-grid';
import { useLayoutSync, type SaveState } from '../hooks/use-layout-sync';

function SaveStatus({ state, error, onRetry }: { state: SaveState; error: unknown; onRetry: () => void }) {
  const { t } = useTranslation('home');
  if (state === 'saving')
    return (
      <span className="text-sm text-gray-500" data-testid="layout-status" data-state="saving">
        <LoadingOutlined /> {t('saving')}
      </span>
    );
  if (state === 'saved')
    return (
      <span className="text-sm text-green-600" data-testid="layout-status" data-state="saved">
        <CheckCircleOutlined /> {t('saved')}
      </span>
    );
  if (state === 'error')
    return (
      <span className="text-sm text-red-600" data-testid="layout-status" data-state="error">
        <ExclamationCircleOutlined /> {t('saveFailed')}: {errorMessage(t, error)}{' '}
        <Button size="small" type="link" onClick={onRetry} data-testid="layout-save-retry">
          {t('common:actions.retry')}
        </Button>
      </span>
    );
  return <span data-testid="layout-status" data-state="idle" />;
}

export function HomePage() {
  const { t } = useTranslation(['home', 'common']);
  const name = useAuthStore((s) => s.user?.name ?? '');
  const { query, saveState, saveError, retrySave, reset } = useLayoutSync();
  const loaded = useLayoutStore((s) => s.loaded);
  const anyVisible = useLayoutStore((s) => s.items.some((i) => i.visible));

  return (
    <div data-testid="home-page">
      <PageHeader
        title={t('home:greeting', { name })}
        extra={
          <>
            <SaveStatus state={saveState} error={saveError} onRetry={() => void retrySave()} />
            <PortletCatalogue />
            <Popconfirm
              title={t('home:resetConfirm')}
              okText={t('common:actions.confirm')}
              cancelText={t('common:actions.cancel')}
              onConfirm={() => void reset()}
              okButtonProps={{ 'data-testid': 'layout-reset-confirm' }}
            >
              <Button icon={<UndoOutlined />} data-testid="layout-reset">
                {t('home:reset')}
              </Button>
            </Popconfirm>
          </>
        }
      />
      {query.error && !loaded ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : !loaded ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : anyVisible ? (
        <PortletGrid />
      ) : (
        <Empty description={t('home:emptyGrid')} />
      )}
    </div>
  );
}
