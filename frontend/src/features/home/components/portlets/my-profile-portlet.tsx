import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { UserAvatar } from '@/components/user-avatar';
import { usePortletData } from '../../api/portal-api';
import { PortletFrame } from '../portlet-frame';
import type { PortletProps } from './portlet-props';

export function MyProfilePortlet({ onHide }: PortletProps) {
  const { t } = useTranslation('home');
  const { data, isPending, error, refetch } = usePortletData('my-profile');
  const p = data?.profile;
  return (
    <PortletFrame type="my-profile" onHide={onHide} onRefresh={() => void refetch()} isPending={isPending} error={error}>
      {p && (
        <div className="flex flex-col items-center gap-2 text-center">
          <UserAvatar name={p.name} url={p.profile_image_url} size={56} />
          <div className="text-base font-semibold">{p.name}</div>
          <div className="text-sm text-gray-600">{[p.department_name, p.position].filter(Boolean).join(' · ')}</div>
          {p.email && <div className="text-xs text-gray-500">{p.email}</div>}
          <Link to="/profile">
            <Button size="small">{t('portlets.my-profile.open')}</Button>
          </Link>
        </div>
      )}
    </PortletFrame>
  );
}
