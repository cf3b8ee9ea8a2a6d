import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { ForbiddenPage } from '@/components/forbidden-page';
import { useAuthStore, useIsAdmin } from '@/stores/auth-store';

/** Signed-in users only; others go to the login page, which brings them back afterwards. */
export function RequireAuth() {
  const status = useAuthStore((s) => s.status);
  const location = useLocation();
  if (status !== 'authenticated') {
    const next = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

/** Users holding at least one administrative permission; others see the Forbidden page. */
export function RequireAdmin() {
  return useIsAdmin() ? <Outlet /> : <ForbiddenPage />;
}
