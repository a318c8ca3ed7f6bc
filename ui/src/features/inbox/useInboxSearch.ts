import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { searchMessages, type SearchHit } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';

export const SEARCH_DEBOUNCE_MS = 250;

/** Message search: asks once typing pauses, again when `version` changes; a new query clears the last hits. */
export function useInboxSearch(version: number) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const onQuery = (value: string) => {
    setQuery(value);
    setHits(null);
    setError(null);
  };

  useEffect(() => {
    const q = query.trim();
    if (q.length === 0) return undefined;
    let live = true;
    const timer = setTimeout(() => {
      searchMessages(q).then(
        (found) => {
          if (live) setHits(found);
        },
        (e: unknown) => {
          if (live) setError(t('inbox.search.failed', { reason: describeError(t, asAppError(e)) }));
        },
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, version, t]);

  return { query, onQuery, searching: query.trim().length > 0, hits, error };
}
