// Keeps the layout store and the server in step: loads the saved layout once, then writes the whole layout
// (PUT /portal/layout) shortly after each change the user makes. Reset saves an empty list, which the
// server answers with the default layout.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { fromServer, toLayoutIn, useLayoutStore } from '@/stores/layout-store';
import { portalKeys, saveLayout, useLayoutQuery, type LayoutOut } from '../api/portal-api';

export type SaveState = 'idle' | 'saving' | 'saved' | 'error';

export const SAVE_DELAY_MS = 500;

export function useLayoutSync() {
  const client = useQueryClient();
  const query = useLayoutQuery();
  const load = useLayoutStore((s) => s.load);
  const revision = useLayoutStore((s) => s.revision);
  const savedRevision = useLayoutStore((s) => s.savedRevision);
  const [saveState, setSaveState] = useState<SaveState>('idle');
  const [saveError, setSaveError] = useState<unknown>(null);
  const loadedFrom = useRef<LayoutOut | null>(null);

  useEffect(() => {
    if (query.data && loadedFrom.current !== query.data) {
      loadedFrom.current = query.data;
      load(fromServer(query.data.items), query.data.is_default);
    }
  }, [query.data, load]);

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
      useLayoutStore.getState().load(fromServer(fresh.items), fresh.is_default);
      setSaveError(null);
      setSaveState('saved');
    } catch (error) {
      setSaveError(error);
      setSaveState('error');
    }
  }, [client]);

  return { query, saveState, saveError, retrySave: saveNow, reset, dirty: revision > savedRevision };
}
