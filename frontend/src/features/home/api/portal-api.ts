// The home page's server data: the saved portlet layout and each portlet's own data.
import { useQuery } from '@tanstack/react-query';
import { api, unwrapPage } from '@/lib/api-client';
import type { PortletType } from '@/stores/layout-store';
import { fetchPortlet, layoutQuery, portalKeys, type OrgMember } from './portal-queries';

export * from './portal-queries';

export function useLayoutQuery() {
  return useQuery(layoutQuery());
}

/** One portlet's data, loaded on its own so one slow or failing portlet never holds up the others (a batch
 * already loading it is awaited instead of asking twice). */
export function usePortletData<T extends PortletType>(type: T) {
  return useQuery({
    queryKey: portalKeys.data(type),
    queryFn: ({ client }) => fetchPortlet(client, type),
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
