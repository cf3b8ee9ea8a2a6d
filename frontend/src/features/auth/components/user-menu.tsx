import { DownOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Dropdown } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { UserAvatar } from '@/components/user-avatar';
import { useAuthStore } from '@/stores/auth-store';
import { logout } from '../api/auth-api';
import { ChangePasswordModal } from './change-password-modal';

export function UserMenu() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const user = useAuthStore((s) => s.user);
  const [passwordOpen, setPasswordOpen] = useState(false);
  if (!user) return null;

  const onClick = async ({ key }: { key: string }) => {
    if (key === 'profile') navigate('/profile');
    if (key === 'password') setPasswordOpen(true);
    if (key === 'logout') {
      await logout();
      navigate('/login', { replace: true });
    }
  };

  return (
    <>
      <Dropdown
        trigger={['click']}
        menu={{
          onClick: (info) => void onClick(info),
          items: [
            { key: 'profile', icon: <UserOutlined />, label: <span data-testid="menu-profile">{t('userMenu.profile')}</span> },
            { key: 'password', icon: <KeyOutlined />, label: <span data-testid="menu-password">{t('userMenu.changePassword')}</span> },
            { type: 'divider' },
            { key: 'logout', icon: <LogoutOutlined />, label: <span data-testid="menu-logout">{t('userMenu.logout')}</span> },
          ],
        }}
      >
        <button type="button" className="flex cursor-pointer items-center gap-2 border-0 bg-transparent px-1" data-testid="user-menu">
          <UserAvatar name={user.name} url={user.profile_image_url} size="small" />
          <span className="hidden text-sm sm:inline">{user.name}</span>
          <DownOutlined className="text-xs" />
        </button>
      </Dropdown>
      <ChangePasswordModal open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </>
  );
}
