// Code splitting helpers. Router routes use `lazyRoute` (React Router's `lazy`); pages inside a feature's
// own route table (features/approval/routes.tsx, features/admin/routes.tsx) use `lazyNamed`, which wraps
// React.lazy in a Suspense with the page skeleton.
import { lazy, Suspense, type ComponentType } from 'react';
import { PageSkeleton } from '@/components/page-skeleton';

type AnyComponent = ComponentType<any>;

export function lazyNamed<M extends Record<string, unknown>, K extends keyof M>(
  load: () => Promise<M>,
  name: K,
): ComponentType<M[K] extends ComponentType<infer P> ? P : never> {
  const Lazy = lazy(async () => ({ default: (await load())[name] as AnyComponent }));
  function LazyPage(props: Record<string, unknown>) {
    return (
      <Suspense fallback={<PageSkeleton />}>
        <Lazy {...props} />
      </Suspense>
    );
  }
  return LazyPage as AnyComponent;
}

export function lazyRoute<M extends Record<string, unknown>>(load: () => Promise<M>, name: keyof M) {
  return async () => ({ Component: (await load())[name] as AnyComponent });
}
