// The home page's server data without React: keys, requests and query options. The app's entry imports
// this (preload-home.ts) to start the home page's data before the page's code has run, so it stays light.
import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api-client';
import { fromServer, type PortletType } from '@/stores/layout-store';
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

/** The portlets a layout shows. */
export function visibleTypes(layout: LayoutOut): PortletType[] {
  return fromServer(layout.items)
    .filter((i) => i.visible)
    .map((i) => i.type);
}

/** Per query client: the portlets a batch request is loading right now, each with its part of the answer. */
const batches = new WeakMap<QueryClient, Map<PortletType, Promise<unknown>>>();

function inFlight(client: QueryClient): Map<PortletType, Promise<unknown>> {
  let map = batches.get(client);
  if (!map) batches.set(client, (map = new Map()));
  return map;
}

/**
 * Loads several portlets' data with one request (GET /portal/data?types=…) into each portlet's own cache
 * entry, so the grid's first paint needs no request per portlet. Portlets already cached are left alone and
 * those already loading are waited for. Settles when all are loaded or failed; a failed batch is not an
 * error of any portlet: each then loads (and fails) on its own.
 */
export function preloadPortlets(client: QueryClient, types: readonly PortletType[]): Promise<void> {
  const pending = inFlight(client);
  const wanted = types.filter((type) => {
    const state = client.getQueryState(portalKeys.data(type));
    return !pending.has(type) && state?.data === undefined && state?.fetchStatus !== 'fetching';
  });
  if (wanted.length) {
    const batch = unwrap<Partial<PortletDataByType>>(api.get('/portal/data', { params: { types: wanted.join(',') } }));
    const settled = batch.then(
      (data) => {
        for (const type of wanted) {
          pending.delete(type);
          if (data[type] !== undefined) client.setQueryData(portalKeys.data(type), data[type]);
        }
        return data;
      },
      () => {
        for (const type of wanted) pending.delete(type);
        return {} as Partial<PortletDataByType>;
      },
    );
    for (const type of wanted) pending.set(type, settled.then((data) => data[type]));
  }
  return Promise.all(types.map((type) => pending.get(type))).then(() => undefined);
}

/** The saved layout. Fetching it starts loading the data of the portlets it shows, in one batch. */
export const layoutQuery = () =>
  queryOptions({
    queryKey: portalKeys.layout,
    queryFn: async ({ client }) => {
      const layout = await fetchLayout();
      void preloadPortlets(client, visibleTypes(layout));
      return layout;
    },
    staleTime: Infinity,
  });

/** One portlet's data: its part of a batch already loading it, else a request of its own. */
export async function fetchPortlet<T extends PortletType>(client: QueryClient, type: T): Promise<PortletDataByType[T]> {
  const batched = await inFlight(client).get(type);
  if (batched !== undefined) return batched as PortletDataByType[T];
  return unwrap<PortletDataByType[T]>(api.get(`/portal/data/${type}`));
}
