// One post: title and flags, the content, files, likes, and the comments.
import { DeleteOutlined, EditOutlined, EyeOutlined, LikeFilled, LikeOutlined, PushpinFilled } from '@ant-design/icons';
import { Button, Card, Divider, Popconfirm, Skeleton, Tag, message } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { formatDateTime } from '@/lib/dates';
import { errorMessage } from '@/lib/error-message';
import { deletePost, usePost, useToggleLike } from '../api/board-api';
import { AttachmentList } from '../components/attachments';
import { CommentSection } from '../components/comment-section';
import { RichTextView } from '../components/rich-text-view';

export function PostPage() {
  const { t } = useTranslation(['board', 'common']);
  const postId = Number(useParams().postId) || null;
  const navigate = useNavigate();
  const client = useQueryClient();
  const { data: post, isPending, error, refetch } = usePost(postId);
  const like = useToggleLike(postId ?? 0);

  if (isPending) return <Skeleton active paragraph={{ rows: 10 }} />;
  if (error) return <ErrorState error={error} onRetry={() => void refetch()} />;

  const remove = async () => {
    try {
      await deletePost(post.id);
      void client.invalidateQueries({ queryKey: ['board', 'posts'] });
      void message.success(t('board:deleted'));
      navigate(`/board/${post.board_id}`, { replace: true });
    } catch (e) {
      void message.error(errorMessage(t, e));
    }
  };

  return (
    <div className="mx-auto max-w-4xl" data-testid="post-page">
      <Card>
        <div className="mb-1">
          <Link to={`/board/${post.board_id}`} className="text-sm">
            ← {t('board:backToList')}
          </Link>
        </div>
        <h1 className="m-0 flex flex-wrap items-center gap-2 text-xl font-semibold" data-testid="post-title">
          {post.is_pinned && <PushpinFilled className="text-orange-500" />}
          {post.is_notice && <Tag color="blue">{t('common:labels.notice')}</Tag>}
          {post.title}
        </h1>
        <div className="mt-2 flex flex-wrap items-center gap-3 text-sm text-gray-500">
          <span>{post.author_name ?? t('board:unknownAuthor')}</span>
          <span>{formatDateTime(post.created_at)}</span>
          <span>
            <EyeOutlined /> {post.view_count}
          </span>
          {post.can_edit && (
            <span className="ml-auto flex gap-2">
              <Link to={`/board/posts/${post.id}/edit`}>
                <Button size="small" icon={<EditOutlined />} data-testid="post-edit">
                  {t('common:actions.edit')}
                </Button>
              </Link>
              <Popconfirm
                title={t('board:deleteConfirm')}
                okText={t('common:actions.delete')}
                cancelText={t('common:actions.cancel')}
                onConfirm={remove}
                okButtonProps={{ danger: true, 'data-testid': 'post-delete-confirm' }}
              >
                <Button size="small" danger icon={<DeleteOutlined />} data-testid="post-delete">
                  {t('common:actions.delete')}
                </Button>
              </Popconfirm>
            </span>
          )}
        </div>
        <Divider />
        <RichTextView html={post.content} />
        <div className="my-6 flex justify-center">
          <Button
            shape="round"
            size="large"
            type={post.liked_by_me ? 'primary' : 'default'}
            icon={post.liked_by_me ? <LikeFilled /> : <LikeOutlined />}
            loading={like.isPending}
            onClick={() => like.mutate(undefined, { onError: (e) => void message.error(errorMessage(t, e)) })}
            aria-pressed={post.liked_by_me}
            data-testid="post-like"
          >
            <span data-testid="post-like-count">{post.like_count}</span>
          </Button>
        </div>
        <AttachmentList attachments={post.attachments ?? []} />
        <Divider />
        <CommentSection postId={post.id} />
      </Card>
    </div>
  );
}
