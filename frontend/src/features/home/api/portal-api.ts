// The home page's server data: the saved portlet layout and each portlet's own data.
import { useQuery } from '@tanstack/react-query';
import { api, unwrap, unwrapPage } from '@/lib/api-client';
import type { PortletType } from '@/stores/layout-store';
import type { Schema } from '@/types/api-helpers';

export type LayoutOut = Schema<'LayoutOut'>;
export type LayoutIn = Schema<'LayoutIn'>;
export type PendingApprovalsData = Schema<'PendingApprovalsData'>;
export type PostsData = Schema<'PostsData'>;
export type OrgChartData = Schema<'OrgChartData'>;
export type MyProfileData = Schema<'MyProfileData'>;
export type OrgMember = Schema<'OrgMember'>;

export interface PortletDataByType {
  'pending-approvals': PendingApprovalsData;
  'recent-posts': PostsData;
  notices: PostsData;
  'org-chart': OrgChartData;
  'my-profile': MyProfileData;
}

export const portalKeys = {
  layout: ['portal', 'layout'] as const,
  data: (type: PortletType) => ['portal', 'data', type] as const,
};

export function fetchLayout(): Promise<LayoutOut> {
  return unwrap(api.get('/portal/layout'));
}

export function saveLayout(body: LayoutIn): Promise<LayoutOut> {
  return unwrap(api.put('/portal/layout', body));
}

export function useLayoutQuery() {
  return useQuery({ queryKey: portalKeys.layout, queryFn: fetchLayout, staleTime: Infinity });
}

/** One portlet's data, loaded on its own so one slow or failing portlet never holds up the others. */
export function usePortletData<T extends PortletType>(type: T) {
  return useQuery({
    queryKey: portalKeys.data(type),
    queryFn: () => unwrap<PortletDataByType[T]>(api.get(`/portal/data/${type}`)),
    staleTime: 30_000,
  });
}

export const ORG_MEMBERS_PAGE = 50;

/** One department's active members (manager first), loaded when the org-chart tree expands it. */
export async function fetchOrgMembers(departmentId: number): Promise<{ members: OrgMember[]; total: number }> {
  const page = await unwrapPage<OrgMember>(
    api.get(`/portal/org-chart/departments/${departmentId}/members`, { params: { page: 1, limit: ORG_MEMBERS_PAGE } }),
  );
  return { members: page.data, total: page.pagination.total };
}
