// Approval endpoints (/api/v1/approval) as plain functions and TanStack Query hooks. Every mutation
// invalidates the document and the boxes, so counts and lists follow at once.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, unwrapPage } from '@/lib/api-client';
import type { Schema } from '@/types/api-helpers';

export type Template = Schema<'TemplateOut'>;
export type TemplateIn = Schema<'TemplateIn'>;
export type TemplateUpdate = Schema<'TemplateUpdate'>;
export type DocumentOut = Schema<'DocumentOut'>;
export type DocumentSummary = Schema<'DocumentSummary'>;
export type LineIn = Schema<'LineIn'>;
export type LineStepIn = Schema<'LineStepIn'>;
export type LineOut = Schema<'LineOut'>;
export type HistoryOut = Schema<'HistoryOut'>;
export type ApprovalCommentOut = Schema<'ApprovalCommentOut'>;
export type AttachmentOut = Schema<'portal__approval__schemas__AttachmentOut'>;
export type ActionOut = Schema<'ActionOut'>;
export type Delegation = Schema<'DelegationOut'>;
export type DelegationIn = Schema<'DelegationIn'>;
export type Department = Schema<'DepartmentOut'>;
export type UserOut = Schema<'UserOut'>;

export const BOXES = [
  'pending',
  'upcoming',
  'in-progress',
  'drafts',
  'completed',
  'rejected',
  'reference',
  'received',
] as const;
export type BoxName = (typeof BOXES)[number];

export function isBox(value: unknown): value is BoxName {
  return typeof value === 'string' && (BOXES as readonly string[]).includes(value);
}

/** What the workflow lets users do, as the API names it in `allowed_actions`. */
export type DocumentAction =
  | 'approve'
  | 'final_approve'
  | 'reject'
  | 'hold'
  | 'resume'
  | 'withdraw'
  | 'cancel_approval'
  | 'resubmit'
  | 'edit'
  | 'delete'
  | 'submit';

export const keys = {
  all: ['approval'] as const,
  templates: (all = false) => ['approval', 'templates', all] as const,
  document: (id: number) => ['approval', 'document', id] as const,
  comments: (id: number) => ['approval', 'document', id, 'comments'] as const,
  counts: ['approval', 'box-counts'] as const,
  box: (box: string, page: number) => ['approval', 'box', box, page] as const,
  delegations: ['approval', 'delegations'] as const,
  departments: ['approval', 'departments'] as const,
  members: (deptId: number) => ['approval', 'members', deptId] as const,
};

// --- reading --------------------------------------------------------------------------------------------

export const fetchTemplates = (includeInactive = false) =>
  unwrap<Template[]>(api.get('/approval/templates', { params: { include_inactive: includeInactive } }));

export function useTemplates(includeInactive = false) {
  return useQuery({ queryKey: keys.templates(includeInactive), queryFn: () => fetchTemplates(includeInactive), staleTime: 5 * 60_000 });
}

export const fetchDocument = (id: number) => unwrap<DocumentOut>(api.get(`/approval/documents/${id}`));

export function useDocument(id: number) {
  return useQuery({ queryKey: keys.document(id), queryFn: () => fetchDocument(id), enabled: id > 0 });
}

export function useBoxCounts() {
  return useQuery({
    queryKey: keys.counts,
    queryFn: () => unwrap<Record<string, number>>(api.get('/approval/boxes')),
    staleTime: 10_000,
  });
}

export function useBox(box: BoxName, page: number, limit = 20) {
  return useQuery({
    queryKey: keys.box(box, page),
    queryFn: () =>
      unwrapPage<DocumentSummary>(
        api.get(`/approval/boxes/${box}`, { params: { page, limit, sort: 'created_at', order: 'desc' } }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

export const fetchDefaultLine = (templateCode: string) =>
  unwrap<LineIn>(api.get('/approval/default-line', { params: { template_code: templateCode } }));

export function useDepartments() {
  return useQuery({
    queryKey: keys.departments,
    queryFn: () => unwrap<Department[]>(api.get('/admin/organizations')),
    staleTime: 5 * 60_000,
  });
}

export function useDepartmentMembers(deptId: number | null) {
  return useQuery({
    queryKey: keys.members(deptId ?? 0),
    queryFn: () =>
      unwrapPage<UserOut>(api.get('/users', { params: { department_id: deptId, limit: 100, sort: 'name' } })),
    enabled: !!deptId,
    staleTime: 5 * 60_000,
  });
}

export function useDelegations() {
  return useQuery({ queryKey: keys.delegations, queryFn: () => unwrap<Delegation[]>(api.get('/approval/delegations')) });
}

// --- writing --------------------------------------------------------------------------------------------

export interface DraftBody {
  template_code: string;
  title: string;
  content: string;
  form_data: Record<string, unknown>;
  line: LineIn;
}

export const createDraft = (body: DraftBody) => unwrap<DocumentOut>(api.post('/approval/documents', body));
export const updateDraft = (id: number, body: Omit<DraftBody, 'template_code'>) =>
  unwrap<DocumentOut>(api.put(`/approval/documents/${id}`, body));
export const submitDraft = (id: number) => unwrap<DocumentOut>(api.post(`/approval/documents/${id}/submit`));
export const deleteDraft = (id: number) => unwrap<null>(api.delete(`/approval/documents/${id}`));
export const resubmitDocument = (id: number) => unwrap<DocumentOut>(api.post(`/approval/documents/${id}/resubmit`));

export function uploadAttachment(id: number, file: File) {
  const form = new FormData();
  form.append('file', file);
  return unwrap<AttachmentOut>(api.post(`/approval/documents/${id}/attachments`, form));
}

export const removeAttachment = (attachmentId: number) => unwrap<null>(api.delete(`/approval/attachments/${attachmentId}`));

/** Downloads through the API client (the token is in memory, so a plain link would not be authorised). */
export async function downloadAttachment(attachment: AttachmentOut): Promise<void> {
  const res = await api.get<Blob>(`/approval/attachments/${attachment.id}`, { responseType: 'blob' });
  const url = URL.createObjectURL(res.data);
  const a = document.createElement('a');
  a.href = url;
  a.download = attachment.filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export type WorkflowAction = 'approve' | 'reject' | 'hold' | 'resume' | 'withdraw' | 'cancel-approval';

export interface ActionBody {
  comment?: string | null;
  expected_step?: number | null;
  final?: boolean;
}

export const actOn = (id: number, action: WorkflowAction, body: ActionBody) =>
  unwrap<ActionOut>(api.post(`/approval/documents/${id}/${action}`, body));

/** Invalidate everything approval-related after a change. */
export function useApprovalInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: keys.all });
}

export function useDocumentAction(id: number) {
  const invalidate = useApprovalInvalidate();
  return useMutation({
    mutationFn: ({ action, body }: { action: WorkflowAction; body: ActionBody }) => actOn(id, action, body),
    onSuccess: () => invalidate(),
  });
}

export const createDelegation = (body: DelegationIn) => unwrap<Delegation>(api.post('/approval/delegations', body));
export const revokeDelegation = (id: number) => unwrap<null>(api.delete(`/approval/delegations/${id}`));

export const createTemplate = (body: TemplateIn) => unwrap<Template>(api.post('/approval/templates', body));
export const updateTemplate = (id: number, body: TemplateUpdate) =>
  unwrap<Template>(api.put(`/approval/templates/${id}`, body));
export const deactivateTemplate = (id: number) => unwrap<Template>(api.delete(`/approval/templates/${id}`));

/** Free comments (의견); the comments given with actions come with the document's history. */
export function useDocumentComments(id: number, enabled = true) {
  return useQuery({
    queryKey: keys.comments(id),
    queryFn: () => unwrap<ApprovalCommentOut[]>(api.get(`/approval/documents/${id}/comments`)),
    enabled: enabled && id > 0,
  });
}

export function useAddComment(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (content: string) => unwrap<ApprovalCommentOut>(api.post(`/approval/documents/${id}/comments`, { content })),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.comments(id) }),
  });
}

export function useDeleteComment(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (commentId: number) => unwrap<null>(api.delete(`/approval/documents/${id}/comments/${commentId}`)),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.comments(id) }),
  });
}
