import { Button, Card, Descriptions, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { UserAvatar } from '@/components/user-avatar';
import { useEmployee } from '../api/employees-api';

/** One employee's card with their department, manager and contacts. */
export function EmployeePage() {
  const { t } = useTranslation('employees');
  const id = Number(useParams().userId) || null;
  const { data: user, isPending, error, refetch } = useEmployee(id);
  const { data: manager } = useEmployee(user?.manager_id ?? null);

  if (isPending) return <Skeleton active avatar paragraph={{ rows: 6 }} />;
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} />;

  return (
    <div className="mx-auto max-w-3xl" data-testid="employee-page">
      <Card>
        <div className="mb-6 flex items-center gap-4">
          <UserAvatar name={user.name} url={user.profile_image_url} size={72} />
          <div>
            <div className="text-xl font-semibold" data-testid="employee-name">
              {user.name} {user.name_en && <span className="text-sm font-normal text-gray-500">{user.name_en}</span>}
            </div>
            <div className="text-gray-600">{[user.department_name, user.position, user.job_title].filter(Boolean).join(' · ')}</div>
          </div>
        </div>
        <Descriptions column={{ xs: 1, sm: 2 }} bordered size="small">
          <Descriptions.Item label={t('fields.department')}>
            {user.department_id ? <Link to={`/employees?dept=${user.department_id}`}>{user.department_name}</Link> : '-'}
          </Descriptions.Item>
          <Descriptions.Item label={t('fields.position')}>{user.position ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t('fields.jobTitle')}>{user.job_title ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t('fields.employeeNumber')}>{user.employee_number ?? '-'}</Descriptions.Item>
          <Descriptions.Item label={t('fields.email')}>
            {user.email ? <a href={`mailto:${user.email}`}>{user.email}</a> : '-'}
          </Descriptions.Item>
          <Descriptions.Item label={t('fields.phone')}>
            {user.phone ? <a href={`tel:${user.phone}`}>{user.phone}</a> : '-'}
          </Descriptions.Item>
          <Descriptions.Item label={t('fields.manager')}>
            {manager ? <Link to={`/employees/${manager.id}`}>{manager.name}</Link> : '-'}
          </Descriptions.Item>
        </Descriptions>
        <div className="mt-4">
          <Link to="/employees">
            <Button>{t('backToDirectory')}</Button>
          </Link>
        </div>
      </Card>
    </div>
  );
}
