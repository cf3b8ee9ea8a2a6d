// The bell in the header: unread count, the latest ten, click one to read it and open its link.
import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, List, Popover, Skeleton } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { fromNow } from '@/lib/dates';
import { useMarkRead, useNotifications, type Notification } from '../api/notifications-api';

export function NotificationBell() {
  const { t } = useTranslation('notifications');
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const { data, isPending, error, refetch } = useNotifications();
  const markRead = useMarkRead();
  const unread = data?.unread ?? 0;

  const openItem = (item: Notification) => {
    if (!item.is_read) markRead.mutate([item.id]);
    setOpen(false);
    // Only links inside the portal: a notification can never send the user elsewhere.
    if (item.link && item.link.startsWith('/') && !item.link.startsWith('//')) navigate(item.link);
  };

  const content = (
    <div className="w-80" data-testid="notification-list">
      {isPending ? (
        <Skeleton active paragraph={{ rows: 3 }} />
      ) : error ? (
        <ErrorState error={error} onRetry={() => void refetch()} compact />
      ) : !data?.data.length ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('empty')} />
      ) : (
        <List<Notification>
          size="small"
          dataSource={data.data}
          renderItem={(item) => (
            <List.Item
              className={`cursor-pointer rounded px-2 hover:bg-gray-50 ${item.is_read ? 'opacity-60' : ''}`}
              onClick={() => openItem(item)}
              data-testid={`notification-${item.id}`}
            >
              <List.Item.Meta
                title={
                  <span className="flex items-center gap-2">
                    {!item.is_read && <Badge status="processing" />}
                    <span className="text-sm">{item.title}</span>
                  </span>
                }
                description={
                  <span className="text-xs">
                    {item.body && <span className="mr-2">{item.body}</span>}
                    {fromNow(item.created_at)}
                  </span>
                }
              />
            </List.Item>
          )}
        />
      )}
    </div>
  );

  return (
    <Popover
      trigger="click"
      open={open}
      onOpenChange={setOpen}
      placement="bottomRight"
      content={content}
      title={
        <div className="flex items-center justify-between">
          <span>{t('title')}</span>
          <Button
            size="small"
            type="link"
            disabled={!unread}
            loading={markRead.isPending}
            onClick={() => markRead.mutate(undefined)}
            data-testid="notification-read-all"
          >
            {t('markAllRead')}
          </Button>
        </div>
      }
    >
      <Button type="text" aria-label={t('title')} data-testid="notification-bell">
        <Badge count={unread} size="small" overflowCount={99} data-testid="notification-count">
          <BellOutlined className="text-lg" />
        </Badge>
      </Button>
    </Popover>
  );
}
