// The designer's edits as stable callbacks: palette, outline, canvas and
// inspector get the same functions across renders, so they do not re-render on
// every keystroke, and each edit is one action for the reducer.

import { useCallback, useLayoutEffect, useRef, type Dispatch } from 'react';
import type { CatalogEntry } from '../../platform';
import type { Menu, ModuleKind } from '../../shared/model';
import { moduleOfKind } from './catalog';
import type { DesignerAction } from './state';
import type { Target } from './tree';

export function useLayoutActions(
  dispatch: Dispatch<DesignerAction>,
  selected: string | null,
  insertPlace: () => Target,
) {
  // Stable for the palette: reads the newest place when called.
  const insertPlaceRef = useRef(insertPlace);
  useLayoutEffect(() => {
    insertPlaceRef.current = insertPlace;
  }, [insertPlace]);
  const addKind = useCallback(
    (entry: CatalogEntry) =>
      dispatch({ type: 'insert', modules: [moduleOfKind(entry.kind, entry.sample)], at: insertPlaceRef.current() }),
    [dispatch],
  );
  const select = useCallback((id: string | null) => dispatch({ type: 'select', id }), [dispatch]);
  const moveBy = useCallback((id: string, delta: -1 | 1) => dispatch({ type: 'move_by', id, delta }), [dispatch]);
  const duplicate = useCallback((id: string) => dispatch({ type: 'duplicate', id }), [dispatch]);
  const remove = useCallback((id: string) => dispatch({ type: 'remove', id }), [dispatch]);
  const endTyping = useCallback(() => dispatch({ type: 'end_typing' }), [dispatch]);
  const setProps = useCallback(
    (props: ModuleKind, field: string) => {
      if (selected !== null) dispatch({ type: 'set_props', id: selected, props, field, now: Date.now() });
    },
    [dispatch, selected],
  );
  const setMenu = useCallback(
    (menu: Menu, field: string) => dispatch({ type: 'set_menu', menu, field, now: Date.now() }),
    [dispatch],
  );
  const renamePage = useCallback(
    (id: string, title: string) => dispatch({ type: 'rename_page', id, title, now: Date.now() }),
    [dispatch],
  );
  const removePage = useCallback((id: string) => dispatch({ type: 'remove_page', id }), [dispatch]);
  return { addKind, select, moveBy, duplicate, remove, endTyping, setProps, setMenu, renamePage, removePage };
}
