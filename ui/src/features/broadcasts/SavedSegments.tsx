import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteSegment, listSegments, onInboxChanged, type SegmentFilter, type SegmentItem } from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { useQuery } from '../../kit/useQuery';
import { SegmentNameForm } from './SegmentNameForm';
import type { Segment } from './audience';

type Props = {
  accountId: string;
  /** The filter as built now: what "Save as segment" keeps. */
  filter: Segment;
  /** Whether a segment is being built (there is a filter to save). */
  building: boolean;
  /** Told the filter of the saved segment picked. */
  onPick: (filter: SegmentFilter) => void;
};

/** What the panel is doing besides listing: saving the filter under a name, or renaming one. */
type Editing = { kind: 'new'; id: string } | { kind: 'rename'; item: SegmentItem } | null;

/**
 * The account's saved segments, each with how many subscribers it holds (counted from the cache,
 * offline too): pick one to fill the filter, rename or delete it, or save the filter being built.
 */
export function SavedSegments({ accountId, filter, building, onPick }: Props) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const segments = useQuery(() => listSegments(accountId), [accountId], { reloadOn: onInboxChanged });
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const nf = new Intl.NumberFormat(i18n.language);
  const items = segments.data ?? [];

  const done = (name: string) => {
    setEditing(null);
    setNotice(t('broadcasts.segments.saved', { name }));
    segments.reload();
  };

  const remove = (item: SegmentItem) => {
    setError(null);
    setNotice(null);
    deleteSegment(item.segment.id).then(
      () => segments.reload(),
      (failure: unknown) => setError(describeError(t, asAppError(failure))),
    );
  };

  return (
    <section className="bc-saved" aria-labelledby={`${id}-title`} data-testid="saved-segments">
      <h3 id={`${id}-title`}>{t('broadcasts.segments.title')}</h3>
      {segments.error ? <p className="field-error">{describeError(t, asAppError(segments.error))}</p> : null}
      {segments.settled && items.length === 0 ? <p className="muted">{t('broadcasts.segments.empty')}</p> : null}
      <ul className="bc-saved-list">
        {items.map((item) => {
          const { segment, waiting } = item;
          if (editing?.kind === 'rename' && editing.item.segment.id === segment.id) {
            return (
              <li key={segment.id}>
                <SegmentNameForm
                  base={{ id: segment.id, account_id: segment.account_id, filter: segment.filter }}
                  initialName={segment.name}
                  label={t('broadcasts.segments.renameLabel', { name: segment.name })}
                  testId="segment-rename-form"
                  onSaved={done}
                  onCancel={() => setEditing(null)}
                />
              </li>
            );
          }
          return (
            <li key={segment.id} className="bc-saved-item" data-testid="saved-segment" data-waiting={String(waiting)}>
              <button
                type="button"
                className="bc-saved-pick"
                aria-label={t('broadcasts.segments.pick', { name: segment.name })}
                onClick={() => {
                  setNotice(null);
                  onPick(segment.filter);
                }}
                data-testid="saved-segment-pick"
              >
                <span className="bc-saved-name">{segment.name}</span>
                <span className="bc-saved-count muted" data-testid="saved-segment-count">
                  {t('broadcasts.audience.count', {
                    subscribers: nf.format(item.subscribers),
                    following: nf.format(item.following),
                  })}
                  {waiting ? ` · ${t('broadcasts.segments.waiting')}` : ''}
                </span>
              </button>
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  setNotice(null);
                  setEditing({ kind: 'rename', item });
                }}
                data-testid="saved-segment-rename"
              >
                {t('broadcasts.segments.rename')}
              </button>
              <button
                type="button"
                className="btn btn-small"
                aria-label={t('broadcasts.segments.deleteLabel', { name: segment.name })}
                onClick={() => remove(item)}
                data-testid="saved-segment-delete"
              >
                {t('broadcasts.segments.delete')}
              </button>
            </li>
          );
        })}
      </ul>
      {editing?.kind === 'new' ? (
        <SegmentNameForm
          base={{ id: editing.id, account_id: accountId, filter }}
          initialName=""
          label={t('broadcasts.segments.name')}
          testId="segment-save-form"
          onSaved={done}
          onCancel={() => setEditing(null)}
        />
      ) : building ? (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            setNotice(null);
            setEditing({ kind: 'new', id: crypto.randomUUID() });
          }}
          data-testid="segment-save"
        >
          {t('broadcasts.segments.save')}
        </button>
      ) : null}
      {notice ? (
        <p className="muted" role="status" data-testid="segment-notice">
          {notice}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
