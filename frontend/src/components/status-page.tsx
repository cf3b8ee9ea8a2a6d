// A full-page status (forbidden, not found, offline, crashed). Deliberately not antd's Result: its
// illustrations would put ~15 KiB gzipped into the entry chunk that every route, login included, loads.
import { CloseCircleFilled, ExclamationCircleFilled, StopOutlined, QuestionCircleOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';

export type StatusKind = 'forbidden' | 'not-found' | 'warning' | 'error' | 'info';

const ICONS: Record<StatusKind, ReactNode> = {
  forbidden: <StopOutlined className="text-red-500" />,
  'not-found': <QuestionCircleOutlined className="text-gray-400" />,
  warning: <ExclamationCircleFilled className="text-amber-500" />,
  error: <CloseCircleFilled className="text-red-500" />,
  info: <ExclamationCircleFilled className="text-blue-500" />,
};

export interface StatusPageProps {
  kind: StatusKind;
  title: ReactNode;
  text?: ReactNode;
  extra?: ReactNode;
  'data-testid'?: string;
}

export function StatusPage({ kind, title, text, extra, ...rest }: StatusPageProps) {
  return (
    <div
      className="flex flex-col items-center justify-center gap-3 px-6 py-16 text-center"
      role={kind === 'error' || kind === 'warning' || kind === 'forbidden' ? 'alert' : undefined}
      data-testid={rest['data-testid']}
      data-status={kind}
    >
      <div className="text-6xl leading-none">{ICONS[kind]}</div>
      <div className="text-2xl font-semibold text-gray-800">{title}</div>
      {text && <div className="max-w-lg text-gray-500">{text}</div>}
      {extra && <div className="mt-2">{extra}</div>}
    </div>
  );
}
