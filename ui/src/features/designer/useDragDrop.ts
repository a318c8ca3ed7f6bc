import {
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
  type DragMoveEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { useCallback, useRef, useState, type Dispatch, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogEntry } from '../../platform';
import type { Layout } from '../../shared/model';
import type { CanvasHandle } from './Canvas';
import { moduleOfKind } from './catalog';
import { canvasDrop, outlineDrop, type Drop, type Indicator } from './drop';
import type { OutlineHandle } from './Outline';
import type { DesignerAction } from './state';
import { locate, subtreeIds, type Slot } from './tree';

/** Constant, so the sensors (and every draggable's listeners with them) keep their identity across renders. */
const POINTER_OPTIONS = { activationConstraint: { distance: 4 } };

export type Dragging = {
  label: string;
  kind: string;
  excluded: ReadonlySet<string>;
  entry: CatalogEntry | null;
  id: string | null;
};

type Options = {
  layout: Layout;
  root: { slot: Slot; count: number };
  canvasRef: RefObject<CanvasHandle | null>;
  outlineRef: RefObject<OutlineHandle | null>;
  dispatch: Dispatch<DesignerAction>;
};

/**
 * Drag and drop from the palette and within the layout: one computation from
 * the pointer's place over the phone or the outline gives both the indicator
 * shown and the drop made.
 */
export function useDragDrop({ layout, root, canvasRef, outlineRef, dispatch }: Options) {
  const { t } = useTranslation();
  const [dragging, setDragging] = useState<Dragging | null>(null);
  const [canvasIndicator, setCanvasIndicator] = useState<Indicator | null>(null);
  const [outlineIndicator, setOutlineIndicator] = useState<Indicator | null>(null);
  const dropRef = useRef<Drop | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, POINTER_OPTIONS), useSensor(KeyboardSensor));
  const collision = useCallback<CollisionDetection>((args) => {
    const hits = pointerWithin(args);
    return hits.length > 0 ? hits : rectIntersection(args);
  }, []);

  const onDragStart = (event: DragStartEvent) => {
    const data = event.active.data.current as
      { type: 'kind'; entry: CatalogEntry } | { type: 'module'; id: string } | undefined;
    dropRef.current = null;
    if (data?.type === 'kind') {
      setDragging({
        label: t(`designer.kind.${data.entry.kind}.name`),
        kind: data.entry.kind,
        excluded: new Set(),
        entry: data.entry,
        id: null,
      });
    } else if (data?.type === 'module') {
      const at = locate(layout, data.id);
      if (!at) return;
      setDragging({
        label: t(`designer.kind.${at.module.props.kind}.name`),
        kind: at.module.props.kind,
        excluded: subtreeIds(at.module),
        entry: null,
        id: data.id,
      });
    }
  };

  const onDragMove = (event: DragMoveEvent) => {
    if (!dragging) return;
    const activator = event.activatorEvent as Partial<PointerEvent>;
    let x: number;
    let y: number;
    if (typeof activator.clientX === 'number' && typeof activator.clientY === 'number') {
      x = activator.clientX + event.delta.x;
      y = activator.clientY + event.delta.y;
    } else {
      const r = event.active.rect.current.translated;
      if (!r) return;
      x = r.left + r.width / 2;
      y = r.top + r.height / 2;
    }
    const over = event.over?.id;
    let drop: Drop | null = null;
    if (over === 'canvas') {
      const geometry = canvasRef.current?.measure();
      const point = canvasRef.current?.toScreen(x, y);
      if (geometry && point) drop = canvasDrop(geometry, point.x, point.y, dragging.excluded);
      setCanvasIndicator(drop?.indicator ?? null);
      setOutlineIndicator(null);
    } else if (over === 'outline') {
      const measured = outlineRef.current?.measure();
      if (measured)
        drop = outlineDrop(
          measured.rows,
          { slot: root.slot, count: root.count, box: measured.box },
          y,
          dragging.excluded,
        );
      setOutlineIndicator(drop?.indicator ?? null);
      setCanvasIndicator(null);
    } else {
      setCanvasIndicator(null);
      setOutlineIndicator(null);
    }
    dropRef.current = drop;
  };

  const onDragCancel = () => {
    setDragging(null);
    setCanvasIndicator(null);
    setOutlineIndicator(null);
    dropRef.current = null;
  };

  const onDragEnd = (_event: DragEndEvent) => {
    const drop = dropRef.current;
    const drag = dragging;
    onDragCancel();
    if (!drop || !drag) return;
    if (drag.entry)
      dispatch({ type: 'insert', modules: [moduleOfKind(drag.entry.kind, drag.entry.sample)], at: drop.target });
    else if (drag.id !== null) dispatch({ type: 'move', id: drag.id, to: drop.target });
  };

  return {
    sensors,
    collision,
    dragging,
    canvasIndicator,
    outlineIndicator,
    handlers: { onDragStart, onDragMove, onDragEnd, onDragCancel },
  };
}
