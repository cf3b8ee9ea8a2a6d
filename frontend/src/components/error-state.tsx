// How a failed load looks everywhere: 403 as the Forbidden page, a stopped backend or lost network as a
// retry state, anything else as a message with its code. `compact` fits inside a portlet or a card.
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { toApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';
import { StatusPage } from '@/components/status-page';

export interface ErrorStateProps {
  error: unknown;
  onRetry?: () => void;
  compact?: boolean;
}

export function ErrorState({ error, onRetry, compact = false }: ErrorStateProps) {
  const { t } = useTranslation();
  const e = toApiError(error);
  const retry = onRetry ? (
    <Button type="primary" size={compact ? 'small' : 'middle'} onClick={onRetry} data-testid="retry-button">
      {t('actions.retry')}
    </Button>
  ) : null;

  if (compact) {
    return (
      <div className="flex flex-col items-center justify-center gap-2 py-4 text-center" role="alert" data-testid="error-state">
        <span className="text-sm text-gray-600">
          {e.isForbidden ? t('errors.forbiddenText') : errorMessage(t, e)}
        </span>
        {!e.isForbidden && retry}
      </div>
    );
  }
  if (e.isForbidden) {
    return (
      <StatusPage kind="forbidden" title={t('errors.forbiddenTitle')} text={t('errors.forbiddenText')} data-testid="forbidden" />
    );
  }
  if (e.isNotFound) {
    return <StatusPage kind="not-found" title={t('errors.notFoundTitle')} text={errorMessage(t, e)} data-testid="not-found" />;
  }
  if (e.isTransient) {
    return (
      <StatusPage
        kind="warning"
        title={t('errors.networkTitle')}
        text={t('errors.networkText')}
        extra={retry}
        data-testid="error-state"
      />
    );
  }
  return (
    <StatusPage
      kind="error"
      title={t('errors.genericTitle')}
      text={errorMessage(t, e)}
      extra={retry}
      data-testid="error-state"
    />
  );
}
