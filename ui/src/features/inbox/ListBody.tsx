import { useTranslation } from 'react-i18next';
import type { ConversationListItem, InboxFilter, SearchHit } from '../../platform';
import { ConversationList } from './ConversationList';
import { SearchResults } from './SearchResults';
import type { usePresence } from './usePresence';

type Props = {
  search: { searching: boolean; query: string; hits: SearchHit[] | null; error: string | null };
  items: ConversationListItem[] | null;
  listError: string | null;
  filtered: boolean;
  openId: string | null;
  checked: ReadonlySet<string>;
  now: number;
  colleagues: ReturnType<typeof usePresence>;
  more: boolean;
  onOpen: (id: string) => void;
  onOpenHit: (hit: SearchHit) => void;
  onCheck: (id: string, range: boolean) => void;
  onMore: () => void;
  onFilter: (patch: Partial<InboxFilter>) => void;
  defaultFilter: InboxFilter;
};

/** The list column's body: search hits, the conversations, or why there are none. */
export function ListBody({
  search,
  items,
  listError,
  filtered,
  openId,
  checked,
  now,
  colleagues,
  more,
  onOpen,
  onOpenHit,
  onCheck,
  onMore,
  onFilter,
  defaultFilter,
}: Props) {
  const { t } = useTranslation();
  if (search.searching)
    return <SearchResults query={search.query.trim()} hits={search.hits} error={search.error} onOpen={onOpenHit} />;
  if (items === null) return !listError && <p className="muted ib-pad">{t('inbox.list.loading')}</p>;
  if (items.length === 0) {
    return (
      <div className="ib-empty" data-testid="inbox-empty">
        <div className="empty-mark" aria-hidden="true" />
        <h2>{filtered ? t('inbox.empty.filteredTitle') : t('inbox.empty.title')}</h2>
        <p className="muted">{filtered ? t('inbox.empty.filteredBody') : t('inbox.empty.body')}</p>
        {filtered && (
          <button type="button" className="btn" onClick={() => onFilter({ ...defaultFilter, status: null })}>
            {t('inbox.empty.showAll')}
          </button>
        )}
      </div>
    );
  }
  return (
    <ConversationList
      items={items}
      openId={openId}
      checked={checked}
      now={now}
      presence={colleagues?.live ? colleagues.byConversation : null}
      onOpen={onOpen}
      onCheck={onCheck}
      more={more}
      onMore={onMore}
    />
  );
}
