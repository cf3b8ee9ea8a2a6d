// Writing a new post (/board/:boardId/write) or editing one (/board/posts/:postId/edit). A new post's text
// is kept as a draft in this browser until it is posted, so an error or a lost session loses nothing.
import { Alert, Button, Card, Checkbox, Form, Input, Skeleton, message } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { ErrorState } from '@/components/error-state';
import { PageHeader } from '@/components/page-header';
import { toApiError } from '@/lib/api-error';
import { errorMessage } from '@/lib/error-message';
import { applyFieldErrors } from '@/lib/form-errors';
import { useHasPermission } from '@/stores/auth-store';
import { boardKeys, createPost, updatePost, uploadAttachment, useBoards, usePost } from '../api/board-api';
import { AttachmentList, AttachmentPicker } from '../components/attachments';
import { RichTextEditor } from '../components/rich-text-editor';
import { cleanRichText } from '../lib/rich-text';

interface Values {
  title: string;
  content: string;
  is_notice: boolean;
  is_pinned: boolean;
}

export const TITLE_MAX = 300;
export const CONTENT_MAX = 200_000;

const draftKey = (boardId: number) => `gw.board.draft.${boardId}`;

export function readDraft(boardId: number): Partial<Values> | null {
  try {
    const raw = localStorage.getItem(draftKey(boardId));
    return raw ? (JSON.parse(raw) as Partial<Values>) : null;
  } catch {
    return null;
  }
}

function writeDraft(boardId: number, values: Partial<Values>): void {
  try {
    localStorage.setItem(draftKey(boardId), JSON.stringify({ title: values.title ?? '', content: values.content ?? '' }));
  } catch {
    // storage full or disabled: the form still holds the text
  }
}

function clearDraft(boardId: number): void {
  try {
    localStorage.removeItem(draftKey(boardId));
  } catch {
    // nothing stored
  }
}

export function PostEditPage() {
  const { t } = useTranslation(['board', 'common']);
  const params = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const postId = Number(params.postId) || null;
  const existing = usePost(postId);
  const boardId = postId ? (existing.data?.board_id ?? null) : Number(params.boardId) || null;
  const boards = useBoards();
  const board = boards.data?.find((b) => b.id === boardId);
  const moderator = useHasPermission('board:admin');
  const [form] = Form.useForm<Values>();
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [restored, setRestored] = useState(false);

  useEffect(() => {
    if (postId && existing.data) {
      const p = existing.data;
      form.setFieldsValue({ title: p.title, content: p.content, is_notice: p.is_notice, is_pinned: p.is_pinned });
    } else if (!postId && boardId) {
      const draft = readDraft(boardId);
      if (draft && (draft.title || draft.content)) {
        form.setFieldsValue({ title: draft.title ?? '', content: draft.content ?? '' });
        setRestored(true);
      }
    }
  }, [postId, boardId, existing.data, form]);

  if (postId && existing.isPending) return <Skeleton active paragraph={{ rows: 10 }} />;
  if (postId && existing.error) return <ErrorState error={existing.error} onRetry={() => void existing.refetch()} />;

  const submit = async (values: Values) => {
    if (!boardId) return;
    setError(null);
    setSaving(true);
    const body = {
      title: values.title.trim(),
      content: cleanRichText(values.content ?? ''),
      ...(moderator ? { is_notice: !!values.is_notice, is_pinned: !!values.is_pinned } : {}),
    };
    try {
      const post = postId ? await updatePost(postId, body) : await createPost(boardId, body);
      if (!postId) clearDraft(boardId);
      const failed: string[] = [];
      for (const file of files) {
        try {
          await uploadAttachment(post.id, file);
        } catch (e) {
          failed.push(`${file.name}: ${errorMessage(t, e)}`);
        }
      }
      if (failed.length) void message.warning({ content: `${t('board:attachments.failed')} ${failed.join(', ')}`, duration: 8 });
      else void message.success(postId ? t('common:messages.saved') : t('board:posted'));
      void client.invalidateQueries({ queryKey: ['board', 'posts'] });
      client.removeQueries({ queryKey: boardKeys.post(post.id) });
      navigate(`/board/posts/${post.id}`, { replace: true });
    } catch (err) {
      const e = toApiError(err);
      if (!applyFieldErrors(form, e)) setError(errorMessage(t, e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="mx-auto max-w-4xl" data-testid="post-edit-page">
      <PageHeader title={postId ? t('board:editTitle') : t('board:writeTitle')} subtitle={board?.name} />
      <Card>
        {restored && (
          <Alert
            className="mb-4"
            type="info"
            showIcon
            message={t('board:draftRestored')}
            action={
              <Button
                size="small"
                onClick={() => {
                  if (boardId) clearDraft(boardId);
                  form.resetFields();
                  setRestored(false);
                }}
              >
                {t('board:discardDraft')}
              </Button>
            }
          />
        )}
        {error && <Alert className="mb-4" type="error" showIcon message={error} data-testid="post-form-error" />}
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={submit}
          initialValues={{ title: '', content: '', is_notice: false, is_pinned: false }}
          onValuesChange={(_changed, all) => {
            if (!postId && boardId) writeDraft(boardId, all);
          }}
          data-testid="post-form"
        >
          <Form.Item
            name="title"
            label={t('board:fields.title')}
            rules={[
              { required: true, whitespace: true, message: t('board:fields.titleRequired') },
              { max: TITLE_MAX, message: t('common:validation.maxLength', { max: TITLE_MAX }) },
            ]}
          >
            <Input maxLength={TITLE_MAX} showCount data-testid="post-title-input" />
          </Form.Item>
          <Form.Item
            name="content"
            label={t('board:fields.content')}
            rules={[{ max: CONTENT_MAX, message: t('common:validation.maxLength', { max: CONTENT_MAX }) }]}
          >
            <RichTextEditor />
          </Form.Item>
          {moderator && (
            <div className="mb-4 flex gap-4">
              <Form.Item name="is_notice" valuePropName="checked" noStyle>
                <Checkbox data-testid="post-notice">{t('board:fields.notice')}</Checkbox>
              </Form.Item>
              <Form.Item name="is_pinned" valuePropName="checked" noStyle>
                <Checkbox data-testid="post-pinned">{t('board:fields.pinned')}</Checkbox>
              </Form.Item>
            </div>
          )}
          {existing.data && <AttachmentList attachments={existing.data.attachments ?? []} />}
          <div className="my-4">
            <AttachmentPicker files={files} onChange={setFiles} />
          </div>
          <div className="flex justify-end gap-2">
            <Button onClick={() => navigate(-1)}>{t('common:actions.cancel')}</Button>
            <Button type="primary" htmlType="submit" loading={saving} data-testid="post-submit">
              {postId ? t('common:actions.save') : t('board:submit')}
            </Button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
