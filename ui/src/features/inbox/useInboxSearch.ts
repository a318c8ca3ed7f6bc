import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { searchMessages } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { useQuery } from '../../kit/useQuery';

export const SEARCH_DEBOUNCE_MS = 250;

/** Message search: asks once typing pauses, again when `version` changes; a new query clears the last hits. */
export function useInboxSearch(version: number) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const q = query.trim();
  const { data } = useQuery(
    q.length === 0
      ? null
      : () =>
          searchMessages(q).then(
            (hits) => ({ q, hits, failure: null }),
            (failure: unknown) => ({ q, hits: null, failure }),
          ),
    [q, version],
    { delayMs: SEARCH_DEBOUNCE_MS },
  );
  // Only the answer to what is typed now counts.
  const answer = data && data.q === q ? data : null;
  const error = answer?.failure
    ? t('inbox.search.failed', { reason: describeError(t, asAppError(answer.failure)) })
    : null;
  return { query, onQuery: setQuery, searching: q.length > 0, hits: answer?.hits ?? null, error };
}
