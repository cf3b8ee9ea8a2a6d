// The administration area's frame: a menu of the screens this administrator may open (the server checks
// every call again), beside the page.
import { Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router-dom';
import { hasPermission, useAuthStore } from '@/stores/auth-store';

/** Each screen and the permissions that open it (any one of them). */
export const SCREENS: { key: string; perms: string[]; href?: string }[] = [
  { key: 'users', perms: ['users:manage', 'users:manage-department'] },
  { key: 'departments', perms: ['org:manage'] },
  { key: 'boards', perms: ['board:admin'] },
  { key: 'templates', perms: ['approval:admin'], href: '/approval/templates' },
  { key: 'settings', perms: ['settings:manage'] },
  { key: 'statistics', perms: ['system:monitor'] },
  { key: 'audit', perms: ['audit:read', 'audit:read-department'] },
  { key: 'stuck', perms: ['system:monitor'] },
  { key: 'adsync', perms: ['ad-sync:manage'] },
];

export function useScreens() {
  const claims = useAuthStore((s) => s.claims);
  return SCREENS.filter((s) => s.perms.some((p) => hasPermission({ claims }, p)));
}

export function AdminLayout() {
  const { t } = useTranslation('admin');
  const { pathname } = useLocation();
  const screens = useScreens();
  const selected = pathname.replace(/^\/admin\/?/, '').split('/')[0] || '';
  return (
    <div className="flex flex-col gap-4 md:flex-row">
      <aside className="w-full shrink-0 md:w-52">
        <Menu
          mode="inline"
          selectedKeys={[selected]}
          data-testid="admin-menu"
          items={screens.map((s) => ({
            key: s.key,
            label: (
              <Link to={s.href ?? `/admin/${s.key}`} data-testid={`admin-link-${s.key}`}>
                {t(`menu.${s.key}`)}
              </Link>
            ),
          }))}
        />
      </aside>
      <section className="min-w-0 flex-1">
        <Outlet />
      </section>
    </div>
  );
}
