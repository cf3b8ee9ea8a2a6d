import { describe, expect, it } from 'vitest';
import { availableToAdd, bottomOf, fromServer, toLayoutIn, useLayoutStore, type GridItem } from '@/stores/layout-store';

const server = [
  { type: 'pending-approvals', x: 0, y: 0, w: 6, h: 4, visible: true, config: {} },
  { type: 'notices', x: 6, y: 0, w: 6, h: 4, visible: true, config: {} },
  { type: 'my-profile', x: 0, y: 4, w: 3, h: 5, visible: false, config: { compact: true } },
  { type: 'retired-portlet', x: 3, y: 4, w: 3, h: 3, visible: true, config: {} },
  { type: 'notices', x: 0, y: 9, w: 6, h: 4, visible: true, config: {} },
];

function overlaps(a: GridItem, b: GridItem): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('layout store', () => {
  it('loads server items, dropping unknown types and duplicates, and writes them back unchanged', () => {
    const items = fromServer(server);
    expect(items.map((i) => i.type)).toEqual(['pending-approvals', 'notices', 'my-profile']);
    expect(toLayoutIn(items)).toEqual({ items: server.slice(0, 3) });
  });

  it('clamps items into the 12 columns the server accepts', () => {
    const [item] = fromServer([{ type: 'notices', x: 10, y: -1, w: 6, h: 40, visible: true, config: {} }]);
    expect(item).toMatchObject({ x: 6, y: 0, w: 6, h: 20 });
  });

  it('counts a drag as a change to save, but not the grid compacting itself', () => {
    useLayoutStore.getState().load(fromServer(server), false);
    const start = useLayoutStore.getState().revision;
    useLayoutStore.getState().applyPositions([{ i: 'notices', x: 6, y: 0, w: 6, h: 4 }], false);
    expect(useLayoutStore.getState().revision).toBe(start);
    useLayoutStore.getState().applyPositions([{ i: 'notices', x: 0, y: 4, w: 6, h: 4 }], false);
    expect(useLayoutStore.getState().revision).toBe(start);
    expect(useLayoutStore.getState().items[1]).toMatchObject({ x: 0, y: 4 });
    useLayoutStore.getState().applyPositions([{ i: 'notices', x: 6, y: 0, w: 6, h: 3 }], true);
    expect(useLayoutStore.getState().revision).toBe(start + 1);
    expect(useLayoutStore.getState().items[1]).toMatchObject({ x: 6, y: 0, h: 3 });
  });

  it('hides and shows again at the bottom, never on top of another portlet', () => {
    useLayoutStore.getState().load(fromServer(server), false);
    useLayoutStore.getState().hide('pending-approvals');
    expect(availableToAdd(useLayoutStore.getState().items)).toEqual(['pending-approvals', 'recent-posts', 'org-chart', 'my-profile']);
    useLayoutStore.getState().show('my-profile');
    useLayoutStore.getState().show('org-chart');
    const items = useLayoutStore.getState().items;
    const shown = items.filter((i) => i.visible);
    expect(shown.map((i) => i.type)).toEqual(['notices', 'my-profile', 'org-chart']);
    expect(items.find((i) => i.type === 'my-profile')).toMatchObject({ y: 4, w: 3, h: 5, config: { compact: true } });
    expect(items.find((i) => i.type === 'org-chart')).toMatchObject({ x: 0, y: 9 });
    for (const [n, a] of shown.entries()) for (const b of shown.slice(n + 1)) expect(overlaps(a, b)).toBe(false);
    expect(bottomOf(items)).toBe(14);
  });

  it('ignores hiding a hidden portlet and showing a visible one', () => {
    useLayoutStore.getState().load(fromServer(server), false);
    const start = useLayoutStore.getState().revision;
    useLayoutStore.getState().hide('my-profile');
    useLayoutStore.getState().show('notices');
    expect(useLayoutStore.getState().revision).toBe(start);
  });
});
