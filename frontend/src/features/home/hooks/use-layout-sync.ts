// Keeps the layout store and the server in step: loads the saved layout once, then writes the whole layout
// (PUT /portal/layout) shortly after each change the user makes. Reset saves an empty list, which the
// server answers with the default layout.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { toLayoutIn, useLayoutStore } from '@/stores/layout-store';
import { portalKeys, saveLayout, useLayoutQuery, type LayoutOut } from '../api/portal-api';
import { loadLayout, storeHolds } from '../preload-home';

export type SaveState = 'idle' | 'saving' | 'saved' | 'error';

export const SAVE_DELAY_MS = 500;

export function useLayoutSync() {
  const client = useQueryClient();
  const query = useLayoutQuery();
  const revision = useLayoutStore((s) => s.revision);
  const savedRevision = useLayoutStore((s) => s.savedRevision);
  const [saveState, setSaveState] = useState<SaveState>('idle');
  const [saveError, setSaveError] = useState<unknown>(null);
  // A layout preloaded into the store (preload-home.ts) is not loaded again: the grid renders at once.
  const loadedFrom = useRef<LayoutOut | null>(query.data && storeHolds(query.data) ? query.data : null);

  useEffect(() => {
    if (query.data && loadedFrom.current !== query.data) {
      loadedFrom.current = query.data;
      loadLayout(query.data);
    }
  }, [query.data]);

  const saveNow = useCallback(async () => {
    const state = useLayoutStore.getState();
    const rev = state.revision;
    setSaveState('saving');
    try {
      const saved = await saveLayout(toLayoutIn(state.items));
      useLayoutStore.getState().markSaved(rev);
      // The cache follows what was saved; the store already shows it, so no reload of the grid.
      loadedFrom.current = saved;
      client.setQueryData(portalKeys.layout, saved);
      setSaveError(null);
      setSaveState('saved');
    } catch (error) {
      setSaveError(error);
      setSaveState('error');
    }
  }, [client]);

  useEffect(() => {
    if (revision <= savedRevision) return;
    const timer = setTimeout(() => void saveNow(), SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [revision, savedRevision, saveNow]);

  const reset = useCallback(async () => {
    setSaveState('saving');
    try {
      const fresh = await saveLayout({ items: [] });
      loadedFrom.current = fresh;
      client.setQueryData(portalKeys.layout, fresh);
      loadLayout(fresh);
      setSaveError(null);
      setSaveState('saved');
    } catch (error) {
      setSaveError(error);
      setSaveState('error');
    }
  }, [client]);

  return { query, saveState, saveError, retrySave: saveNow, reset, dirty: revision > savedRevision };
}
