import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { tagSubscribers, tagSubscribersFound, type SubscriberFilter } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import './subscribers.css';

type Props = {
  /** Subscribers the list shows now. */
  shown: number;
  /** Whether the search finds more than the list has read so far. */
  more: boolean;
  checked: ReadonlySet<string>;
  allChecked: boolean;
  onToggleAll: () => void;
  /** The search the list shows: with nothing checked, a tag goes to everyone it finds. */
  filter: SubscriberFilter;
  /** Told after a tag was given or taken: read again, and clear the checks. */
  onDone: () => void;
};

/**
 * Above the subscriber list: check all, and give a tag to (or take it from)
 * the checked subscribers, or everyone the search finds when none is
 * checked. Each subscriber's edit goes through the outbox, offline too.
 */
export function BulkTagBar({ shown, more, checked, allChecked, onToggleAll, filter, onDone }: Props) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const nf = new Intl.NumberFormat(i18n.language);
  const name = tag.trim();

  const apply = (adding: boolean) => {
    const add = adding ? [name] : [];
    const remove = adding ? [] : [name];
    setBusy(true);
    setOutcome(null);
    const done =
      checked.size > 0 ? tagSubscribers([...checked], add, remove) : tagSubscribersFound(filter, add, remove);
    done.then(
      (n) => {
        setBusy(false);
        // Done: another click must not tag again (with the checks cleared, it would reach everyone found).
        setTag('');
        setOutcome({
          ok: true,
          text: t(adding ? 'subscribers.bulk.added' : 'subscribers.bulk.removed', {
            count: n,
            n: nf.format(n),
            tag: name,
          }),
        });
        onDone();
      },
      (e: unknown) => {
        setBusy(false);
        setOutcome({ ok: false, text: describeError(t, asAppError(e)) });
      },
    );
  };

  const scope =
    checked.size > 0
      ? t('subscribers.bulk.selected', { count: checked.size, n: nf.format(checked.size) })
      : more
        ? t('subscribers.bulk.foundMore', { n: nf.format(shown) })
        : t('subscribers.bulk.found', { count: shown, n: nf.format(shown) });
  return (
    <div className={`subs-bulk${checked.size > 0 ? ' is-active' : ''}`} data-testid="subscribers-bulk">
      <div className="subs-bulk-row">
        <label className="subs-bulk-all">
          <input
            type="checkbox"
            checked={allChecked}
            onChange={onToggleAll}
            disabled={shown === 0}
            aria-label={t('subscribers.bulk.all')}
            data-testid="subscribers-check-all"
          />
          <span data-testid="subscribers-bulk-scope">{scope}</span>
        </label>
      </div>
      <div className="subs-bulk-row">
        <label className="visually-hidden" htmlFor={`${id}-tag`}>
          {t('subscribers.bulk.tag')}
        </label>
        <input
          id={`${id}-tag`}
          className="subs-bulk-tag"
          placeholder={t('subscribers.bulk.tag')}
          value={tag}
          onChange={(e) => {
            setTag(e.target.value);
            setOutcome(null);
          }}
          data-testid="subscribers-bulk-tag"
        />
        <button
          type="button"
          className="btn btn-small"
          disabled={busy || name === '' || shown === 0}
          onClick={() => apply(true)}
          data-testid="subscribers-bulk-add"
        >
          {t('subscribers.bulk.add')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={busy || name === '' || shown === 0}
          onClick={() => apply(false)}
          data-testid="subscribers-bulk-remove"
        >
          {t('subscribers.bulk.remove')}
        </button>
      </div>
      {outcome ? (
        <p
          className={outcome.ok ? 'subs-bulk-done' : 'form-error'}
          role={outcome.ok ? 'status' : 'alert'}
          data-testid="subscribers-bulk-outcome"
        >
          {outcome.text}
        </p>
      ) : null}
    </div>
  );
}
