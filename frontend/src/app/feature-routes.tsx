// Mounts a feature's own route table (features/approval/routes.tsx, features/admin/routes.tsx) below the
// path the app router gives it ("/approval/*", "/admin/*"). Paths in the table are relative to it.
import { Suspense } from 'react';
import { useRoutes, type RouteObject } from 'react-router-dom';
import { NotFoundPage } from '@/components/not-found-page';
import { PageSkeleton } from '@/components/page-skeleton';

export function FeatureRoutes({ routes }: { routes: RouteObject[] }) {
  const element = useRoutes(routes);
  return <Suspense fallback={<PageSkeleton />}>{element ?? <NotFoundPage />}</Suspense>;
}
