import { MailOutlined, PhoneOutlined } from '@ant-design/icons';
import { Card, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { UserAvatar } from '@/components/user-avatar';
import type { DirectoryEntry } from '../api/employees-api';

/** One employee in the directory: name, department, position, how to reach them. */
export function ProfileCard({ employee }: { employee: DirectoryEntry }) {
  const { t } = useTranslation('employees');
  return (
    <Card size="small" className="h-full" data-testid={`profile-card-${employee.id}`}>
      <div className="flex gap-3">
        <UserAvatar name={employee.name} url={employee.profile_image_url} size={48} />
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-2">
            <Link to={`/employees/${employee.id}`} className="truncate font-semibold">
              {employee.name}
            </Link>
            {employee.name_en && <span className="truncate text-xs text-gray-500">{employee.name_en}</span>}
            {!employee.is_active && <Tag color="default">{t('inactive')}</Tag>}
          </div>
          <div className="truncate text-sm text-gray-600">
            {[employee.department_name, employee.position, employee.job_title].filter(Boolean).join(' · ') || '-'}
          </div>
          {employee.email && (
            <div className="truncate text-xs text-gray-500">
              <MailOutlined className="mr-1" />
              <a href={`mailto:${employee.email}`}>{employee.email}</a>
            </div>
          )}
          {employee.phone && (
            <div className="truncate text-xs text-gray-500">
              <PhoneOutlined className="mr-1" />
              <a href={`tel:${employee.phone}`}>{employee.phone}</a>
            </div>
          )}
        </div>
      </div>
    </Card>
  );
}
