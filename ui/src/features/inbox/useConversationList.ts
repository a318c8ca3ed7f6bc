import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listConversations, type ConversationListItem, type InboxFilter } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { useQuery } from '../../kit/useQuery';

/** Conversations read per page of the list; scrolling near the end reads the next. */
export const LIST_PAGE = 200;

/**
 * The list for a filter, read again when the filter or `version` changes,
 * one page longer each time `readMore` is called (another filter starts again
 * at one page). Labels seen on any page are kept for the label filter.
 */
export function useConversationList(filter: InboxFilter, version: number, onLoaded: () => void) {
  const { t } = useTranslation();
  // How long a page of the list to read, for the filter it was asked for.
  const [asked, setAsked] = useState<{ filter: InboxFilter; limit: number }>({ filter, limit: LIST_PAGE });
  const limit = asked.filter === filter ? asked.limit : LIST_PAGE;
  const [seenLabels, setSeenLabels] = useState<ReadonlySet<string>>(new Set());

  const query = useQuery(() => listConversations(filter, limit), [filter, limit, version], {
    onData: (page) => {
      onLoaded();
      setSeenLabels((prev) => {
        const next = new Set(prev);
        for (const item of page.items) for (const label of item.conversation.labels) next.add(label);
        return next.size === prev.size ? prev : next;
      });
    },
  });

  const readMore = useCallback(() => {
    setAsked((prev) => ({ filter, limit: (prev.filter === filter ? prev.limit : LIST_PAGE) + LIST_PAGE }));
  }, [filter]);

  const items: ConversationListItem[] | null = query.data?.items ?? null;
  const list = useMemo(() => items ?? [], [items]);
  // A failure shows until the next answer; the last list stays meanwhile.
  const error = query.error ? t('inbox.list.loadFailed', { reason: describeError(t, asAppError(query.error)) }) : null;
  return { items, list, more: query.data?.more ?? false, error, readMore, seenLabels };
}
