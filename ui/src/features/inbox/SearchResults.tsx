import { useTranslation } from 'react-i18next';
import type { SearchHit, SnippetPart } from '../../platform';
import { dateTime } from '../../kit/time';

/** A snippet as text, with the matched runs in <mark> elements (never HTML). */
export function Snippet({ parts }: { parts: SnippetPart[] }) {
  return (
    <>
      {parts.map((part, i) =>
        part.hit ? (
          <mark key={i} className="ib-hit">
            {part.text}
          </mark>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}

type Props = {
  query: string;
  hits: SearchHit[] | null;
  error: string | null;
  onOpen: (hit: SearchHit) => void;
};

export function SearchResults({ query, hits, error, onOpen }: Props) {
  const { t, i18n } = useTranslation();
  return (
    <div className="ib-search-results" data-testid="search-results">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {hits === null && !error && <p className="muted ib-pad">{t('inbox.search.searching')}</p>}
      {hits !== null && hits.length === 0 && (
        <p className="muted ib-pad" data-testid="search-empty">
          {t('inbox.search.none', { query })}
        </p>
      )}
      {hits !== null && hits.length > 0 && (
        <ul className="ib-hits">
          {hits.map((hit, i) => (
            <li key={`${hit.conversation_id}-${hit.message_id ?? 'subscriber'}-${i}`}>
              <button type="button" className="ib-hit-row" data-testid="search-hit" onClick={() => onOpen(hit)}>
                <span className="ib-conv-line">
                  <span className="ib-conv-name">{hit.subscriber_name}</span>
                  <span className="muted ib-conv-time">{dateTime(hit.created_at, i18n.language)}</span>
                </span>
                <span className="ib-hit-snippet" data-testid="search-snippet">
                  <Snippet parts={hit.snippet} />
                </span>
                {hit.message_id === null && (
                  <span className="muted ib-hit-kind">{t('inbox.search.subscriberMatch')}</span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
