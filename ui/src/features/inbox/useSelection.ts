import { useState } from 'react';
import type { ConversationListItem } from '../../platform';

/** The checked conversations: X or a click checks one, Shift+click a range from the last one clicked. */
export function useSelection(list: ConversationListItem[]) {
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [anchor, setAnchor] = useState<string | null>(null);

  const toggle = (id: string, range: boolean) => {
    setChecked((prev) => {
      const next = new Set(prev);
      const from = anchor === null ? -1 : list.findIndex((item) => item.conversation.id === anchor);
      const to = list.findIndex((item) => item.conversation.id === id);
      if (range && from >= 0 && to >= 0) {
        const [a, b] = from < to ? [from, to] : [to, from];
        for (let i = a; i <= b; i++) {
          const item = list[i];
          if (item) next.add(item.conversation.id);
        }
      } else if (next.has(id)) {
        next.delete(id);
      } else {
        next.add(id);
      }
      return next;
    });
    if (!range) setAnchor(id);
  };

  const allChecked = list.length > 0 && list.every((item) => checked.has(item.conversation.id));
  const toggleAll = () => setChecked(allChecked ? new Set() : new Set(list.map((item) => item.conversation.id)));
  const clear = () => setChecked(new Set());
  return { checked, toggle, allChecked, toggleAll, clear };
}
