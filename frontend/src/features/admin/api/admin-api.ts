// Admin endpoints: users, departments, boards, system settings, statistics, audit log, stuck approvals, mail.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, unwrapPage } from '@/lib/api-client';
import type { Schema } from '@/types/api-helpers';

export type UserDetail = Schema<'UserDetailOut'>;
export type AdminUserCreate = Schema<'AdminUserCreate'>;
export type AdminUserUpdate = Schema<'AdminUserUpdate'>;
export type Department = Schema<'DepartmentOut'>;
export type DepartmentCreate = Schema<'DepartmentCreate'>;
export type DepartmentUpdate = Schema<'DepartmentUpdate'>;
export type Board = Schema<'BoardOut'>;
export type BoardIn = Schema<'BoardIn'>;
export type BoardUpdate = Schema<'BoardUpdate'>;
export type SystemSettings = Schema<'SystemSettings'>;
export type SystemSettingsOut = Schema<'SystemSettingsOut'>;
export type Statistics = Schema<'StatisticsOut'>;
export type AuditLog = Schema<'AuditLogOut'>;
export type Stuck = Schema<'StuckOut'>;
export type MailStatus = Schema<'MailStatusOut'>;

export interface ApprovalStatistics {
  by_status: Record<string, number>;
  by_template_and_status: { template: string; status: string; documents: number }[];
  average_step_time: { template: string; step: number; samples: number; average_seconds: number }[];
}

export const adminKeys = {
  all: ['admin'] as const,
  users: (params: object) => ['admin', 'users', params] as const,
  departments: ['admin', 'departments'] as const,
  boards: ['admin', 'boards'] as const,
  settings: ['admin', 'settings'] as const,
  statistics: ['admin', 'statistics'] as const,
  approvalStatistics: ['admin', 'approval-statistics'] as const,
  audit: (params: object) => ['admin', 'audit', params] as const,
  stuck: ['admin', 'stuck'] as const,
  mail: ['admin', 'mail'] as const,
};

// --- users ----------------------------------------------------------------------------------------------

export interface UserQuery {
  page: number;
  q?: string;
  department_id?: number | null;
}

export function useAdminUsers(params: UserQuery) {
  return useQuery({
    queryKey: adminKeys.users(params),
    queryFn: () =>
      unwrapPage<UserDetail>(
        api.get('/admin/users', {
          params: { page: params.page, limit: 20, q: params.q || undefined, department_id: params.department_id || undefined, sort: 'name' },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export const createUser = (body: AdminUserCreate) => unwrap<UserDetail>(api.post('/admin/users', body));
export const updateUser = (id: number, body: AdminUserUpdate) => unwrap<UserDetail>(api.put(`/admin/users/${id}`, body));
export const deactivateUser = (id: number) => unwrap<UserDetail>(api.delete(`/admin/users/${id}`));

// --- departments ----------------------------------------------------------------------------------------

export function useDepartmentTree() {
  return useQuery({ queryKey: adminKeys.departments, queryFn: () => unwrap<Department[]>(api.get('/admin/organizations')) });
}

export const createDepartment = (body: DepartmentCreate) => unwrap<Department>(api.post('/admin/organizations', body));
export const updateDepartment = (id: number, body: DepartmentUpdate) =>
  unwrap<Department>(api.put(`/admin/organizations/${id}`, body));
export const deleteDepartment = (id: number) => unwrap<null>(api.delete(`/admin/organizations/${id}`));

/** The tree as a flat list (for selects), each with its depth. */
export function flattenDepartments(tree: Department[], depth = 0): { dept: Department; depth: number }[] {
  return tree.flatMap((d) => [{ dept: d, depth }, ...flattenDepartments(d.children ?? [], depth + 1)]);
}

// --- boards ---------------------------------------------------------------------------------------------

export function useBoards() {
  return useQuery({ queryKey: adminKeys.boards, queryFn: () => unwrap<Board[]>(api.get('/board/boards')) });
}

export const createBoard = (body: BoardIn) => unwrap<Board>(api.post('/board/boards', body));
export const updateBoard = (id: number, body: BoardUpdate) => unwrap<Board>(api.put(`/board/boards/${id}`, body));

// --- settings, statistics, audit, stuck ------------------------------------------------------------------

export function useSystemSettings() {
  return useQuery({ queryKey: adminKeys.settings, queryFn: () => unwrap<SystemSettingsOut>(api.get('/admin/settings')) });
}

export const saveSystemSettings = (body: SystemSettings) => unwrap<SystemSettingsOut>(api.put('/admin/settings', body));

export function useStatistics() {
  return useQuery({ queryKey: adminKeys.statistics, queryFn: () => unwrap<Statistics>(api.get('/admin/statistics')) });
}

export function useApprovalStatistics(enabled: boolean) {
  return useQuery({
    queryKey: adminKeys.approvalStatistics,
    queryFn: () => unwrap<ApprovalStatistics>(api.get('/admin/approval/statistics')),
    enabled,
  });
}

export interface AuditQuery {
  page: number;
  action?: string;
  target_type?: string;
  actor_id?: number | null;
}

export function useAuditLogs(params: AuditQuery) {
  return useQuery({
    queryKey: adminKeys.audit(params),
    queryFn: () =>
      unwrapPage<AuditLog>(
        api.get('/admin/audit-logs', {
          params: {
            page: params.page,
            limit: 50,
            action: params.action || undefined,
            target_type: params.target_type || undefined,
            actor_id: params.actor_id || undefined,
            sort: 'created_at',
            order: 'desc',
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

export function useStuckApprovals() {
  return useQuery({ queryKey: adminKeys.stuck, queryFn: () => unwrap<Stuck[]>(api.get('/admin/approval/stuck')) });
}

export function useMailStatus() {
  return useQuery({ queryKey: adminKeys.mail, queryFn: () => unwrap<MailStatus>(api.get('/admin/approval/mail')) });
}
