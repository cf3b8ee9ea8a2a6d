// Every route of the portal. Pages load lazily, one chunk per route; approval and admin bring their own
// route tables (FE-2's folders), mounted with FeatureRoutes under "/approval/*" and "/admin/*".
import { createBrowserRouter, type RouteObject } from 'react-router-dom';
import { FeatureRoutes } from '@/app/feature-routes';
import { RequireAdmin, RequireAuth } from '@/app/guards';
import { RouteError } from '@/app/route-error';
import { ForbiddenPage } from '@/components/forbidden-page';
import { lazyRoute } from '@/components/lazy-page';
import { NotFoundPage } from '@/components/not-found-page';
import { setAuthFailureHandler } from '@/lib/api-client';

export const appRoutes: RouteObject[] = [
  {
    path: '/login',
    lazy: lazyRoute(() => import('@/features/auth/routes/login-page'), 'LoginPage'),
    errorElement: <RouteError />,
  },
  {
    path: '/',
    element: <RequireAuth />,
    errorElement: <RouteError />,
    children: [
      {
        lazy: lazyRoute(() => import('@/app/layout/app-layout'), 'AppLayout'),
        children: [
          {
            errorElement: <RouteError />,
            children: [
              { index: true, lazy: lazyRoute(() => import('@/features/home/routes/home-page'), 'HomePage') },
              { path: 'board', lazy: lazyRoute(() => import('@/features/board/routes/board-page'), 'BoardPage') },
              { path: 'board/:boardId', lazy: lazyRoute(() => import('@/features/board/routes/board-page'), 'BoardPage') },
              {
                path: 'board/:boardId/write',
                lazy: lazyRoute(() => import('@/features/board/routes/post-edit-page'), 'PostEditPage'),
              },
              { path: 'board/posts/:postId', lazy: lazyRoute(() => import('@/features/board/routes/post-page'), 'PostPage') },
              {
                path: 'board/posts/:postId/edit',
                lazy: lazyRoute(() => import('@/features/board/routes/post-edit-page'), 'PostEditPage'),
              },
              {
                path: 'employees',
                lazy: lazyRoute(() => import('@/features/employees/routes/directory-page'), 'DirectoryPage'),
              },
              {
                path: 'employees/:userId',
                lazy: lazyRoute(() => import('@/features/employees/routes/employee-page'), 'EmployeePage'),
              },
              { path: 'profile', lazy: lazyRoute(() => import('@/features/auth/routes/profile-page'), 'ProfilePage') },
              {
                path: 'approval/*',
                lazy: async () => {
                  const { approvalRoutes } = await import('@/features/approval/routes');
                  return { Component: () => <FeatureRoutes routes={approvalRoutes} /> };
                },
              },
              {
                path: 'admin',
                element: <RequireAdmin />,
                children: [
                  {
                    path: '*',
                    lazy: async () => {
                      const { adminRoutes } = await import('@/features/admin/routes');
                      return { Component: () => <FeatureRoutes routes={adminRoutes} /> };
                    },
                  },
                ],
              },
              { path: 'forbidden', element: <ForbiddenPage /> },
              { path: '*', element: <NotFoundPage /> },
            ],
          },
        ],
      },
    ],
  },
];

export function createAppRouter() {
  const router = createBrowserRouter(appRoutes, { future: { v7_relativeSplatPath: true } });
  setAuthFailureHandler((next) => {
    void router.navigate(`/login?next=${encodeURIComponent(next)}`, { replace: true });
  });
  return router;
}
