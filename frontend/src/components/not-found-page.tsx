import { Button } from 'antd';
import { StatusPage } from '@/components/status-page';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <StatusPage
      kind="not-found"
      title={t('errors.notFoundTitle')}
      text={t('errors.notFoundText')}
      data-testid="not-found"
      extra={
        <Link to="/">
          <Button type="primary">{t('actions.goHome')}</Button>
        </Link>
      }
    />
  );
}
