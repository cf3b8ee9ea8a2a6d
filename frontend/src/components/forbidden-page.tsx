import { Button } from 'antd';
import { StatusPage } from '@/components/status-page';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

/** Shown for routes and data the user may not see (HTTP 403). */
export function ForbiddenPage() {
  const { t } = useTranslation();
  return (
    <StatusPage
      kind="forbidden"
      title={t('errors.forbiddenTitle')}
      text={t('errors.forbiddenText')}
      data-testid="forbidden"
      extra={
        <Link to="/">
          <Button type="primary">{t('actions.goHome')}</Button>
        </Link>
      }
    />
  );
}
