import type { ReactNode } from 'react';

export function PageHeader({ title, extra, subtitle }: { title: ReactNode; extra?: ReactNode; subtitle?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
      <div>
        <h1 className="m-0 text-xl font-semibold">{title}</h1>
        {subtitle && <div className="text-sm text-gray-500">{subtitle}</div>}
      </div>
      {extra && <div className="flex items-center gap-2">{extra}</div>}
    </div>
  );
}
