// The draggable, resizable grid of visible portlets (react-grid-layout, 12 columns). Positions reported
// at the end of a drag or resize count as the user's change (saved); compaction updates them silently.
import { useMemo } from 'react';
import GridLayout, { WidthProvider, type Layout } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import 'react-resizable/css/styles.css';
import { GRID_COLUMNS, useLayoutStore } from '@/stores/layout-store';
import { DRAG_HANDLE_CLASS } from './portlet-frame';
import { Portlet } from './portlet';

const Grid = WidthProvider(GridLayout);
export const ROW_HEIGHT = 72;

export function PortletGrid() {
  const items = useLayoutStore((s) => s.items);
  const applyPositions = useLayoutStore((s) => s.applyPositions);
  const hide = useLayoutStore((s) => s.hide);
  const visible = useMemo(() => items.filter((i) => i.visible), [items]);
  const layout: Layout[] = useMemo(
    () => visible.map((i) => ({ i: i.type, x: i.x, y: i.y, w: i.w, h: i.h, minW: 2, minH: 2 })),
    [visible],
  );

  return (
    <Grid
      className="portlet-grid"
      layout={layout}
      cols={GRID_COLUMNS}
      rowHeight={ROW_HEIGHT}
      margin={[16, 16]}
      containerPadding={[0, 0]}
      draggableHandle={`.${DRAG_HANDLE_CLASS}`}
      compactType="vertical"
      onLayoutChange={(next) => applyPositions(next, false)}
      onDragStop={(next) => applyPositions(next, true)}
      onResizeStop={(next) => applyPositions(next, true)}
    >
      {visible.map((item) => (
        <div key={item.type} data-testid={`grid-item-${item.type}`}>
          <Portlet type={item.type} onHide={() => hide(item.type)} />
        </div>
      ))}
    </Grid>
  );
}
