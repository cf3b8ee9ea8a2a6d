// The signed-in shell: sidebar (Home, Approval, Board, Employees, Admin for admins), header with the
// employee search, notifications, language and the user menu, and the page.
import {
  AppstoreOutlined,
  AuditOutlined,
  FileDoneOutlined,
  HomeOutlined,
  MenuFoldOutlined,
  MenuUnfoldOutlined,
  SettingOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { App as AntApp, Button, Layout, Menu, Progress } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigation } from 'react-router-dom';
import { LanguageSwitch } from '@/components/language-switch';
import { UserMenu } from '@/features/auth/components/user-menu';
import { HeaderSearch } from '@/features/employees/components/header-search';
import { NotificationBell } from '@/features/notifications/components/notification-bell';
import { useIsAdmin } from '@/stores/auth-store';
import { useUiStore } from '@/stores/ui-store';

const { Header, Sider, Content } = Layout;

export const NAV_ITEMS = [
  { key: '/', icon: <HomeOutlined />, label: 'nav.home', testId: 'nav-home' },
  { key: '/approval', icon: <FileDoneOutlined />, label: 'nav.approval', testId: 'nav-approval' },
  { key: '/board', icon: <AppstoreOutlined />, label: 'nav.board', testId: 'nav-board' },
  { key: '/employees', icon: <TeamOutlined />, label: 'nav.employees', testId: 'nav-employees' },
  { key: '/admin', icon: <SettingOutlined />, label: 'nav.admin', testId: 'nav-admin', adminOnly: true },
] as const;

export function selectedNavKey(pathname: string): string {
  const first = `/${pathname.split('/')[1] ?? ''}`;
  return NAV_ITEMS.some((i) => i.key === first) ? first : '/';
}

export function AppLayout() {
  const { t } = useTranslation();
  const location = useLocation();
  const navigation = useNavigation();
  const admin = useIsAdmin();
  const collapsed = useUiStore((s) => s.sidebarCollapsed);
  const toggle = useUiStore((s) => s.toggleSidebar);

  const items = NAV_ITEMS.filter((i) => !('adminOnly' in i) || admin).map((i) => ({
    key: i.key,
    icon: i.icon,
    label: (
      <Link to={i.key} data-testid={i.testId}>
        {t(i.label)}
      </Link>
    ),
  }));

  return (
    <AntApp>
      <Layout className="min-h-screen">
        <Sider
          collapsible
          collapsed={collapsed}
          trigger={null}
          breakpoint="lg"
          width={208}
          theme="light"
          className="border-r border-gray-200"
          data-testid="sidebar"
        >
          <Link to="/" className="flex h-14 items-center gap-2 px-5 font-bold text-blue-700">
            <AuditOutlined className="text-xl" />
            {!collapsed && <span className="text-base">{t('app.name')}</span>}
          </Link>
          <Menu mode="inline" selectedKeys={[selectedNavKey(location.pathname)]} items={items} className="border-e-0" />
        </Sider>
        <Layout>
          <Header className="flex items-center gap-3 border-b border-gray-200 !bg-white !px-4" data-testid="app-header">
            <Button
              type="text"
              icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
              onClick={toggle}
              aria-label={t('nav.toggleSidebar')}
            />
            <div className="flex flex-1 justify-center">
              <HeaderSearch />
            </div>
            <NotificationBell />
            <LanguageSwitch />
            <UserMenu />
          </Header>
          {navigation.state === 'loading' && (
            <Progress percent={100} status="active" showInfo={false} size="small" className="!m-0 !leading-none" strokeLinecap="square" />
          )}
          <Content className="p-4 md:p-6" data-testid="page">
            <Outlet />
          </Content>
        </Layout>
      </Layout>
    </AntApp>
  );
}
