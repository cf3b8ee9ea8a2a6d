// The home page's portlet grid while the user arranges it: positions, sizes and which portlets show.
// Loaded from GET /portal/layout and written back whole with PUT (features/home/hooks/use-layout-sync.ts);
// `revision` counts the user's changes so the saver knows when there is something to write.
import { create } from 'zustand';
import type { Schema } from '@/types/api-helpers';

export type PortletType = Schema<'LayoutItem'>['type'];
export const PORTLET_TYPES: readonly PortletType[] = [
  'pending-approvals',
  'recent-posts',
  'notices',
  'org-chart',
  'my-profile',
];

export const GRID_COLUMNS = 12;

export interface GridItem {
  type: PortletType;
  x: number;
  y: number;
  w: number;
  h: number;
  visible: boolean;
  config: Record<string, unknown>;
}

/** What react-grid-layout reports: `i` is the portlet type. */
export interface GridPosition {
  i: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export const DEFAULT_SIZE: Record<PortletType, { w: number; h: number }> = {
  'pending-approvals': { w: 6, h: 4 },
  'recent-posts': { w: 6, h: 4 },
  notices: { w: 6, h: 4 },
  'org-chart': { w: 4, h: 5 },
  'my-profile': { w: 4, h: 3 },
};

export function isPortletType(value: unknown): value is PortletType {
  return typeof value === 'string' && (PORTLET_TYPES as readonly string[]).includes(value);
}

/** The first free row below every visible portlet. */
export function bottomOf(items: GridItem[]): number {
  return items.filter((i) => i.visible).reduce((max, i) => Math.max(max, i.y + i.h), 0);
}

function clampToGrid(item: GridItem): GridItem {
  const w = Math.min(Math.max(1, item.w), GRID_COLUMNS);
  const x = Math.min(Math.max(0, item.x), GRID_COLUMNS - w);
  return { ...item, x, w, y: Math.max(0, item.y), h: Math.min(Math.max(1, item.h), 20) };
}

/** Server items (unknown types dropped, duplicates kept once) as grid items. */
export function fromServer(items: ReadonlyArray<Schema<'LayoutItemOut'>>): GridItem[] {
  const seen = new Set<PortletType>();
  const out: GridItem[] = [];
  for (const item of items) {
    if (!isPortletType(item.type) || seen.has(item.type)) continue;
    seen.add(item.type);
    out.push(clampToGrid({ ...item, type: item.type, config: item.config ?? {} }));
  }
  return out;
}

/** The PUT /portal/layout body. */
export function toLayoutIn(items: GridItem[]): Schema<'LayoutIn'> {
  return { items: items.map(({ type, x, y, w, h, visible, config }) => ({ type, x, y, w, h, visible, config })) };
}

function samePositions(a: GridItem[], b: GridItem[]): boolean {
  return a.length === b.length && a.every((x, n) => {
    const y = b[n];
    return !!y && x.type === y.type && x.x === y.x && x.y === y.y && x.w === y.w && x.h === y.h && x.visible === y.visible;
  });
}

export interface LayoutState {
  items: GridItem[];
  isDefault: boolean;
  loaded: boolean;
  /** Bumped on every change the user makes; the saver writes when it moves past `savedRevision`. */
  revision: number;
  savedRevision: number;
  load: (items: GridItem[], isDefault: boolean) => void;
  /** Positions from the grid. `byUser` for drag/resize stops; compaction updates silently. */
  applyPositions: (positions: GridPosition[], byUser: boolean) => void;
  hide: (type: PortletType) => void;
  /** Shows a hidden portlet or adds a new one from the catalogue, at the bottom of the grid. */
  show: (type: PortletType) => void;
  markSaved: (revision: number) => void;
}

export const useLayoutStore = create<LayoutState>()((set) => ({
  items: [],
  isDefault: true,
  loaded: false,
  revision: 0,
  savedRevision: 0,
  load: (items, isDefault) => set((s) => ({ items, isDefault, loaded: true, savedRevision: s.revision })),
  applyPositions: (positions, byUser) =>
    set((s) => {
      const byType = new Map(positions.map((p) => [p.i, p]));
      const items = s.items.map((item) => {
        const p = item.visible ? byType.get(item.type) : undefined;
        return p ? clampToGrid({ ...item, x: p.x, y: p.y, w: p.w, h: p.h }) : item;
      });
      if (samePositions(items, s.items)) return {};
      return byUser ? { items, revision: s.revision + 1, isDefault: false } : { items };
    }),
  hide: (type) =>
    set((s) => {
      if (!s.items.some((i) => i.type === type && i.visible)) return {};
      return {
        items: s.items.map((i) => (i.type === type ? { ...i, visible: false } : i)),
        revision: s.revision + 1,
        isDefault: false,
      };
    }),
  show: (type) =>
    set((s) => {
      const existing = s.items.find((i) => i.type === type);
      if (existing?.visible) return {};
      const y = bottomOf(s.items);
      const size = existing ? { w: existing.w, h: existing.h } : DEFAULT_SIZE[type];
      const placed: GridItem = { type, x: 0, y, ...size, visible: true, config: existing?.config ?? {} };
      const items = existing ? s.items.map((i) => (i.type === type ? placed : i)) : [...s.items, placed];
      return { items, revision: s.revision + 1, isDefault: false };
    }),
  markSaved: (revision) => set((s) => ({ savedRevision: Math.max(s.savedRevision, revision) })),
}));

/** Types in the catalogue that are not on the grid (hidden or never added). */
export function availableToAdd(items: GridItem[]): PortletType[] {
  return PORTLET_TYPES.filter((t) => !items.some((i) => i.type === t && i.visible));
}
