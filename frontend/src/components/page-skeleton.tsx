/** Placeholder while a route's code or first data loads. Plain Tailwind, no antd: the entry chunk uses it. */
export function PageSkeleton() {
  return (
    <div className="animate-pulse space-y-3 p-6" data-testid="page-skeleton" aria-busy="true">
      <div className="h-6 w-1/3 rounded bg-gray-200" />
      <div className="h-4 w-full rounded bg-gray-200" />
      <div className="h-4 w-5/6 rounded bg-gray-200" />
      <div className="h-4 w-2/3 rounded bg-gray-200" />
      <div className="h-4 w-3/4 rounded bg-gray-200" />
    </div>
  );
}
