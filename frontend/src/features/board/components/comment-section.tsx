// Comments with one level of replies: top-level comments may be answered, replies may not (the server
// refuses deeper ones with REPLY_TOO_DEEP). Plain text, at most 2,000 characters.
import { Button, Form, Input, List, Popconfirm, Skeleton, message } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorState } from '@/components/error-state';
import { UserAvatar } from '@/components/user-avatar';
import { fromNow } from '@/lib/dates';
import { errorMessage } from '@/lib/error-message';
import { useAuthStore, useHasPermission } from '@/stores/auth-store';
import { useAddComment, useComments, useDeleteComment, type Comment } from '../api/board-api';

export const COMMENT_MAX = 2000;

function CommentForm({
  postId,
  parentId,
  onDone,
  autoFocus,
}: {
  postId: number;
  parentId?: number;
  onDone?: () => void;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation(['board', 'common']);
  const [form] = Form.useForm<{ content: string }>();
  const add = useAddComment(postId);
  const suffix = parentId ? `-${parentId}` : '';

  const submit = async ({ content }: { content: string }) => {
    try {
      await add.mutateAsync({ content: content.trim(), parent_id: parentId ?? null });
      form.resetFields();
      onDone?.();
    } catch (error) {
      // What was typed stays in the box.
      form.setFields([{ name: 'content', errors: [errorMessage(t, error)] }]);
    }
  };

  return (
    <Form form={form} onFinish={submit} data-testid={parentId ? `reply-form${suffix}` : 'comment-form'} className="mb-2">
      <Form.Item
        name="content"
        className="mb-2"
        rules={[
          { required: true, whitespace: true, message: t('board:comments.required') },
          { max: COMMENT_MAX, message: t('common:validation.maxLength', { max: COMMENT_MAX }) },
        ]}
      >
        <Input.TextArea
          autoSize={{ minRows: 2, maxRows: 6 }}
          showCount
          maxLength={COMMENT_MAX}
          autoFocus={autoFocus}
          placeholder={parentId ? t('board:comments.replyPlaceholder') : t('board:comments.placeholder')}
          data-testid={parentId ? `reply-input${suffix}` : 'comment-input'}
        />
      </Form.Item>
      <div className="flex justify-end gap-2">
        {onDone && parentId && <Button onClick={onDone}>{t('common:actions.cancel')}</Button>}
        <Button type="primary" htmlType="submit" loading={add.isPending} data-testid={parentId ? `reply-submit${suffix}` : 'comment-submit'}>
          {parentId ? t('board:comments.reply') : t('board:comments.submit')}
        </Button>
      </div>
    </Form>
  );
}

function CommentItem({ comment, postId, canReply }: { comment: Comment; postId: number; canReply: boolean }) {
  const { t } = useTranslation(['board', 'common']);
  const me = useAuthStore((s) => s.user?.id);
  const moderator = useHasPermission('board:admin');
  const remove = useDeleteComment(postId);
  const [replying, setReplying] = useState(false);
  const mine = comment.author_id === me;

  return (
    <div data-testid={`comment-${comment.id}`}>
      <div className="flex gap-2 py-2">
        <UserAvatar name={comment.author_name ?? '?'} size="small" />
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-2 text-sm">
            <span className="font-medium">{comment.author_name ?? t('board:unknownAuthor')}</span>
            <span className="text-xs text-gray-400">{fromNow(comment.created_at)}</span>
          </div>
          {comment.is_deleted ? (
            <div className="text-sm italic text-gray-400">{t('board:comments.deleted')}</div>
          ) : (
            <div className="whitespace-pre-wrap break-words text-sm">{comment.content}</div>
          )}
          {!comment.is_deleted && (
            <div className="flex gap-1">
              {canReply && (
                <Button type="link" size="small" className="px-0" onClick={() => setReplying((v) => !v)} data-testid={`reply-open-${comment.id}`}>
                  {t('board:comments.reply')}
                </Button>
              )}
              {(mine || moderator) && (
                <Popconfirm
                  title={t('board:comments.deleteConfirm')}
                  okText={t('common:actions.delete')}
                  cancelText={t('common:actions.cancel')}
                  onConfirm={() =>
                    remove.mutateAsync(comment.id).catch((e: unknown) => void message.error(errorMessage(t, e)))
                  }
                >
                  <Button type="link" size="small" danger className="px-0" data-testid={`comment-delete-${comment.id}`}>
                    {t('common:actions.delete')}
                  </Button>
                </Popconfirm>
              )}
            </div>
          )}
          {replying && <CommentForm postId={postId} parentId={comment.id} onDone={() => setReplying(false)} autoFocus />}
          {(comment.replies ?? []).length > 0 && (
            <div className="ml-2 border-0 border-l-2 border-solid border-gray-100 pl-3">
              {(comment.replies ?? []).map((r) => (
                <CommentItem key={r.id} comment={r} postId={postId} canReply={false} />
              ))}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

export function CommentSection({ postId }: { postId: number }) {
  const { t } = useTranslation('board');
  const { data, isPending, error, refetch } = useComments(postId);
  const count = (data ?? []).reduce((n, c) => n + 1 + (c.replies ?? []).length, 0);
  return (
    <div data-testid="comments">
      <h3 className="mb-2 text-base font-semibold">{t('comments.title', { count })}</h3>
      <CommentForm postId={postId} />
      {isPending ? (
        <Skeleton active avatar paragraph={{ rows: 2 }} />
      ) : error ? (
        <ErrorState error={error} onRetry={() => void refetch()} compact />
      ) : (
        <List
          dataSource={data}
          locale={{ emptyText: t('comments.empty') }}
          renderItem={(c) => <CommentItem key={c.id} comment={c} postId={postId} canReply />}
        />
      )}
    </div>
  );
}
