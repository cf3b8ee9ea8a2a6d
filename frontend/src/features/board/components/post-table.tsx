import { LikeOutlined, PushpinFilled } from '@ant-design/icons';
import { Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatShort } from '@/lib/dates';
import { POSTS_PER_PAGE, type PostSummary } from '../api/board-api';

export interface PostTableProps {
  posts: PostSummary[];
  total: number;
  page: number;
  loading: boolean;
  onPage: (page: number) => void;
}

/** Pinned first, then notices, then newest: the server orders; the table only marks them. */
export function PostTable({ posts, total, page, loading, onPage }: PostTableProps) {
  const { t } = useTranslation(['board', 'common']);
  return (
    <Table<PostSummary>
      rowKey="id"
      size="middle"
      loading={loading}
      dataSource={posts}
      data-testid="post-table"
      rowClassName={(p) => (p.is_pinned || p.is_notice ? 'bg-amber-50' : '')}
      pagination={{
        current: page,
        pageSize: POSTS_PER_PAGE,
        total,
        showSizeChanger: false,
        onChange: onPage,
        showTotal: (n) => t('board:totalPosts', { count: n }),
      }}
      locale={{ emptyText: t('board:noPosts') }}
      columns={[
        {
          key: 'title',
          title: t('board:columns.title'),
          render: (_v, p) => (
            <span className="flex items-center gap-1">
              {p.is_pinned && <PushpinFilled className="text-orange-500" aria-label={t('board:pinned')} />}
              {p.is_notice && <Tag color="blue">{t('common:labels.notice')}</Tag>}
              <Link to={`/board/posts/${p.id}`} className="font-medium" data-testid={`post-link-${p.id}`}>
                {p.title}
              </Link>
              {p.comment_count > 0 && <span className="text-xs text-blue-600">[{p.comment_count}]</span>}
            </span>
          ),
        },
        { key: 'author', title: t('board:columns.author'), width: 120, render: (_v, p) => p.author_name ?? '-' },
        { key: 'date', title: t('board:columns.date'), width: 120, render: (_v, p) => formatShort(p.created_at) },
        { key: 'views', title: t('board:columns.views'), width: 80, align: 'right', dataIndex: 'view_count' },
        {
          key: 'likes',
          title: <LikeOutlined aria-label={t('board:columns.likes')} />,
          width: 60,
          align: 'right',
          dataIndex: 'like_count',
        },
      ]}
    />
  );
}
