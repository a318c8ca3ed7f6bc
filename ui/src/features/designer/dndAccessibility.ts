import type { Announcements, ScreenReaderInstructions, UniqueIdentifier } from '@dnd-kit/core';
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Layout, Menu } from '../../shared/model';
import { locate } from './tree';

/**
 * What dnd-kit says to a screen reader while something is dragged, in the
 * staff's language. `name` gives the words for a draggable or a drop target
 * by its id (null when it has none).
 */
export function useDndAccessibility(name: (id: UniqueIdentifier) => string | null) {
  const { t } = useTranslation();
  return useMemo(() => {
    const item = (id: UniqueIdentifier) => name(id) ?? t('designer.dnd.item');
    const announcements: Announcements = {
      onDragStart: ({ active }) => t('designer.dnd.start', { item: item(active.id) }),
      // Over its own place (as a drag starts) is nothing new to say.
      onDragOver: ({ active, over }) =>
        over?.id === active.id
          ? undefined
          : over
            ? t('designer.dnd.over', { item: item(active.id), target: item(over.id) })
            : t('designer.dnd.outside', { item: item(active.id) }),
      onDragEnd: ({ active, over }) =>
        over
          ? t('designer.dnd.end', { item: item(active.id), target: item(over.id) })
          : t('designer.dnd.dropped', { item: item(active.id) }),
      onDragCancel: ({ active }) => t('designer.dnd.cancel', { item: item(active.id) }),
    };
    const screenReaderInstructions: ScreenReaderInstructions = { draggable: t('designer.dnd.instructions') };
    return { announcements, screenReaderInstructions };
  }, [t, name]);
}

/** The designer's drags: a kind from the palette, a module of the layout, the phone or the outline as targets. */
export function useDesignerDndAccessibility(layout: { readonly current: Layout | null }) {
  const { t } = useTranslation();
  const name = useCallback(
    (id: UniqueIdentifier): string | null => {
      const text = String(id);
      if (text === 'canvas') return t('designer.dnd.phone');
      if (text === 'outline') return t('designer.dnd.outline');
      const [prefix, rest = ''] = text.split(/:(.*)/s) as [string, string?];
      if (prefix === 'kind') return t(`designer.kind.${rest}.name`, { defaultValue: '' }) || null;
      if (prefix === 'module' || prefix === 'canvas') {
        const found = layout.current ? locate(layout.current, rest.split('#')[0] ?? '') : null;
        return found ? t(`designer.kind.${found.module.props.kind}.name`, { defaultValue: '' }) || null : null;
      }
      return null;
    },
    [t, layout],
  );
  return useDndAccessibility(name);
}

/** The menu editor's drags: menu items among their siblings (`top|id`, `sub:parent|id`). */
export function useMenuDndAccessibility(menu: Menu) {
  const { t } = useTranslation();
  const name = useCallback(
    (id: UniqueIdentifier): string | null => {
      const itemId = String(id).split('|')[1];
      for (const item of menu.items) {
        if (item.id === itemId) return t('designer.dnd.menuItem', { label: item.label });
        if (item.target.kind === 'submenu') {
          const sub = item.target.items.find((s) => s.id === itemId);
          if (sub) return t('designer.dnd.menuItem', { label: sub.label });
        }
      }
      return null;
    },
    [t, menu],
  );
  return useDndAccessibility(name);
}
