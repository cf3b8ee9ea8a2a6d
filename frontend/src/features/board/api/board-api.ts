// Boards, posts, comments, likes and attachments (/api/v1/board).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, unwrapPage } from '@/lib/api-client';
import type { Schema } from '@/types/api-helpers';

export type Board = Schema<'BoardOut'>;
export type PostSummary = Schema<'PostSummary'>;
export type Post = Schema<'PostOut'>;
export type PostIn = Partial<Schema<'PostIn'>> & Pick<Schema<'PostIn'>, 'title'>;
export type PostUpdate = Schema<'PostUpdate'>;
export type Comment = Schema<'CommentOut'>;
export type Attachment = Schema<'portal__board__schemas__AttachmentOut'>;
export type LikeOut = Schema<'LikeOut'>;

export const boardKeys = {
  boards: ['board', 'boards'] as const,
  posts: (boardId: number) => ['board', 'posts', boardId] as const,
  postList: (boardId: number, page: number, q: string) => ['board', 'posts', boardId, { page, q }] as const,
  post: (postId: number) => ['board', 'post', postId] as const,
  comments: (postId: number) => ['board', 'comments', postId] as const,
};

export const POSTS_PER_PAGE = 20;

export function useBoards() {
  return useQuery({ queryKey: boardKeys.boards, queryFn: () => unwrap<Board[]>(api.get('/board/boards')) });
}

export function usePosts(boardId: number | null, page: number, q: string) {
  return useQuery({
    queryKey: boardKeys.postList(boardId ?? 0, page, q),
    queryFn: () =>
      unwrapPage<PostSummary>(
        api.get(`/board/boards/${boardId}/posts`, { params: { page, limit: POSTS_PER_PAGE, q: q || undefined } }),
      ),
    enabled: boardId != null,
    placeholderData: keepPreviousData,
  });
}

export function usePost(postId: number | null) {
  return useQuery({
    queryKey: boardKeys.post(postId ?? 0),
    queryFn: () => unwrap<Post>(api.get(`/board/posts/${postId}`)),
    enabled: postId != null,
  });
}

export function createPost(boardId: number, body: PostIn): Promise<Post> {
  return unwrap(api.post(`/board/boards/${boardId}/posts`, body));
}

export function updatePost(postId: number, body: PostUpdate): Promise<Post> {
  return unwrap(api.put(`/board/posts/${postId}`, body));
}

export function deletePost(postId: number): Promise<void> {
  return unwrap(api.delete(`/board/posts/${postId}`));
}

export function uploadAttachment(postId: number, file: File): Promise<Attachment> {
  const form = new FormData();
  form.append('file', file);
  return unwrap(api.post(`/board/posts/${postId}/attachments`, form));
}

/** Downloads with the access token (a plain link would have none) and saves under the original name. */
export async function downloadAttachment(attachment: Pick<Attachment, 'id' | 'filename'>): Promise<void> {
  const res = await api.get<Blob>(`/board/attachments/${attachment.id}`, { responseType: 'blob' });
  const url = URL.createObjectURL(res.data);
  const a = document.createElement('a');
  a.href = url;
  a.download = attachment.filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function useToggleLike(postId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap<LikeOut>(api.post(`/board/posts/${postId}/like`)),
    // A refetch already in flight (e.g. after a new comment) would land after this and show the old count.
    onMutate: () => client.cancelQueries({ queryKey: boardKeys.post(postId) }),
    onSuccess: (like) => {
      client.setQueryData<Post>(boardKeys.post(postId), (post) =>
        post ? { ...post, liked_by_me: like.liked, like_count: like.like_count } : post,
      );
      void client.invalidateQueries({ queryKey: ['board', 'posts'] });
    },
  });
}

export function useComments(postId: number) {
  return useQuery({
    queryKey: boardKeys.comments(postId),
    queryFn: () => unwrap<Comment[]>(api.get(`/board/posts/${postId}/comments`)),
  });
}

export function useAddComment(postId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { content: string; parent_id?: number | null }) =>
      unwrap<Comment>(api.post(`/board/posts/${postId}/comments`, body)),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: boardKeys.comments(postId) });
      void client.invalidateQueries({ queryKey: boardKeys.post(postId) });
    },
  });
}

export function useDeleteComment(postId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (commentId: number) => unwrap<null>(api.delete(`/board/comments/${commentId}`)),
    onSuccess: () => client.invalidateQueries({ queryKey: boardKeys.comments(postId) }),
  });
}
