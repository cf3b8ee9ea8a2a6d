// Starting the home page before it renders: on a reload of "/", the app asks for the saved layout as soon
// as the session is renewed (alongside the profile and the page's code) and the layout's fetch starts the
// portlets' data in one batch, so the page's first render already has the grid and, usually, its data.
import type { QueryClient } from '@tanstack/react-query';
import { fromServer, useLayoutStore } from '@/stores/layout-store';
import { layoutQuery, preloadPortlets, visibleTypes, type LayoutOut } from './api/portal-queries';

/** The server layout the layout store was last loaded from (user changes since then live in the store). */
let storeSource: LayoutOut | null = null;

/** Puts a server layout into the layout store. */
export function loadLayout(layout: LayoutOut): void {
  storeSource = layout;
  useLayoutStore.getState().load(fromServer(layout.items), layout.is_default);
}

/** Whether the layout store already holds `layout` (so the page need not load it again). */
export function storeHolds(layout: LayoutOut): boolean {
  return storeSource === layout && useLayoutStore.getState().loaded;
}

/** The layout (into the cache and the layout store) and the visible portlets' data (into the cache). Settles
 * when both have loaded or failed. */
export async function preloadHome(client: QueryClient): Promise<void> {
  const layout = await client.fetchQuery(layoutQuery());
  if (!useLayoutStore.getState().loaded) loadLayout(layout);
  await preloadPortlets(client, visibleTypes(layout));
}
