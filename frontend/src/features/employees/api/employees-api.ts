// The employee directory: search (ranked, 초성 aware), users by department, one user, the org tree.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap, unwrapPage } from '@/lib/api-client';
import type { EmployeeHit, Page, Schema, User } from '@/types/api-helpers';

export type Department = Schema<'DepartmentOut'>;

export interface DirectoryQuery {
  q: string;
  departmentId: number | null;
  page: number;
  limit: number;
}

/** A directory card: search hits and user rows share these fields. */
export type DirectoryEntry = Pick<
  User,
  'id' | 'name' | 'name_en' | 'username' | 'email' | 'phone' | 'position' | 'job_title' | 'department_id' | 'department_name' | 'profile_image_url' | 'is_active'
>;

export function fetchDirectory({ q, departmentId, page, limit }: DirectoryQuery): Promise<Page<DirectoryEntry>> {
  const department_id = departmentId ?? undefined;
  if (q) return unwrapPage<EmployeeHit>(api.get('/search/employees', { params: { q, department_id, page, limit } }));
  return unwrapPage<User>(api.get('/users', { params: { department_id, page, limit, sort: 'name', order: 'asc' } }));
}

export function useDirectory(query: DirectoryQuery) {
  return useQuery({
    queryKey: ['employees', 'directory', query],
    queryFn: () => fetchDirectory(query),
    placeholderData: keepPreviousData,
  });
}

export function useEmployee(id: number | null) {
  return useQuery({
    queryKey: ['employees', 'user', id],
    queryFn: () => unwrap<User>(api.get(`/users/${id}`)),
    enabled: id != null,
  });
}

export function useOrgTree() {
  return useQuery({
    queryKey: ['org', 'tree'],
    queryFn: () => unwrap<Department[]>(api.get('/admin/organizations')),
    staleTime: 5 * 60_000,
  });
}

/** Every department of a tree by id (for names and breadcrumbs). */
export function flattenDepartments(tree: Department[]): Map<number, Department> {
  const out = new Map<number, Department>();
  const walk = (nodes: Department[]) => {
    for (const node of nodes) {
      out.set(node.id, node);
      walk(node.children ?? []);
    }
  };
  walk(tree);
  return out;
}
