import { PushpinOutlined } from '@ant-design/icons';
import { Empty, List, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatShort } from '@/lib/dates';
import { usePortletData } from '../../api/portal-api';
import { PortletFrame } from '../portlet-frame';
import type { PortletProps } from './portlet-props';

/** Recent posts of every readable board, or the notices. */
export function PostsPortlet({ type, onHide }: PortletProps & { type: 'recent-posts' | 'notices' }) {
  const { t } = useTranslation(['home', 'common']);
  const { data, isPending, error, refetch } = usePortletData(type);
  return (
    <PortletFrame type={type} onHide={onHide} onRefresh={() => void refetch()} isPending={isPending} error={error}>
      {data && !data.items.length ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(`home:portlets.${type}.empty`)} />
      ) : (
        <List
          size="small"
          dataSource={data?.items ?? []}
          renderItem={(post) => (
            <List.Item>
              <div className="flex min-w-0 flex-1 items-center gap-1">
                {post.is_pinned && <PushpinOutlined className="text-orange-500" />}
                {post.is_notice && type === 'recent-posts' && <Tag color="blue">{t('common:labels.notice')}</Tag>}
                <Link to={`/board/posts/${post.id}`} className="truncate">
                  {post.title}
                </Link>
                {post.comment_count > 0 && <span className="text-xs text-blue-600">[{post.comment_count}]</span>}
              </div>
              <span className="ml-2 shrink-0 text-xs text-gray-500">
                {post.board_name} · {formatShort(post.created_at)}
              </span>
            </List.Item>
          )}
        />
      )}
    </PortletFrame>
  );
}
