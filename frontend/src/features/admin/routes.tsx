// The administration area's route table, mounted by the app router under "/admin/*" behind RequireAdmin
// (paths are relative). The index goes to the first screen this administrator may open.
import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, type RouteObject } from 'react-router-dom';
import { lazyNamed } from '@/components/lazy-page';
import { AdminLayout, useScreens } from './routes/admin-layout';

const UsersPage = lazyNamed(() => import('./routes/users-page'), 'UsersPage');
const DepartmentsPage = lazyNamed(() => import('./routes/departments-page'), 'DepartmentsPage');
const BoardsPage = lazyNamed(() => import('./routes/boards-page'), 'BoardsPage');
const SettingsPage = lazyNamed(() => import('./routes/settings-page'), 'SettingsPage');
const StatisticsPage = lazyNamed(() => import('./routes/statistics-page'), 'StatisticsPage');
const AuditPage = lazyNamed(() => import('./routes/audit-page'), 'AuditPage');
const StuckPage = lazyNamed(() => import('./routes/stuck-page'), 'StuckPage');
const ADSyncPage = lazyNamed(() => import('./routes/adsync-page'), 'ADSyncPage');

function AdminIndex() {
  const { t } = useTranslation('admin');
  const first = useScreens()[0];
  if (!first) return <Result status="403" title={t('title')} />;
  return <Navigate to={first.href ?? `/admin/${first.key}`} replace />;
}

export const adminRoutes: RouteObject[] = [
  {
    element: <AdminLayout />,
    children: [
      { index: true, element: <AdminIndex /> },
      { path: 'users', element: <UsersPage /> },
      { path: 'departments', element: <DepartmentsPage /> },
      { path: 'boards', element: <BoardsPage /> },
      { path: 'settings', element: <SettingsPage /> },
      { path: 'statistics', element: <StatisticsPage /> },
      { path: 'audit', element: <AuditPage /> },
      { path: 'stuck', element: <StuckPage /> },
      { path: 'adsync', element: <ADSyncPage /> },
    ],
  },
];
