// The card around each portlet: a drag handle with the title, a hide button, and the content, which loads
// on its own with a skeleton and shows its own error with a retry.
import { CloseOutlined, HolderOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Skeleton, Tooltip } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '@/components/error-state';
import type { PortletType } from '@/stores/layout-store';

export interface PortletFrameProps {
  type: PortletType;
  onHide?: () => void;
  onRefresh?: () => void;
  isPending: boolean;
  error: unknown;
  children: ReactNode;
  extra?: ReactNode;
}

export const DRAG_HANDLE_CLASS = 'portlet-drag-handle';

export function PortletFrame({ type, onHide, onRefresh, isPending, error, children, extra }: PortletFrameProps) {
  const { t } = useTranslation('home');
  return (
    <Card
      size="small"
      className="flex h-full flex-col overflow-hidden"
      styles={{ body: { flex: 1, overflow: 'auto', minHeight: 0 } }}
      data-testid={`portlet-${type}`}
      title={
        <div className={`${DRAG_HANDLE_CLASS} flex cursor-move select-none items-center gap-2`} data-testid={`portlet-drag-${type}`}>
          <HolderOutlined className="text-gray-400" />
          <span>{t(`portlets.${type}.title`)}</span>
        </div>
      }
      extra={
        <div className="flex items-center gap-1">
          {extra}
          {onRefresh && (
            <Tooltip title={t('refresh')}>
              <Button type="text" size="small" icon={<ReloadOutlined />} onClick={onRefresh} aria-label={t('refresh')} />
            </Tooltip>
          )}
          {onHide && (
            <Tooltip title={t('hide')}>
              <Button
                type="text"
                size="small"
                icon={<CloseOutlined />}
                onClick={onHide}
                aria-label={t('hide')}
                data-testid={`portlet-hide-${type}`}
              />
            </Tooltip>
          )}
        </div>
      }
    >
      {isPending ? (
        <div data-testid={`portlet-skeleton-${type}`}>
          <Skeleton active paragraph={{ rows: 3 }} title={false} />
        </div>
      ) : error ? (
        <ErrorState error={error} onRetry={onRefresh} compact />
      ) : (
        <div data-testid={`portlet-body-${type}`}>{children}</div>
      )}
    </Card>
  );
}
