import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  deleteSegment,
  listSegments,
  onSegmentsChanged,
  saveSegment,
  type SegmentFilter,
  type SegmentItem,
} from '../../platform';
import { Dialog } from '../../kit/Dialog';
import { asAppError, describeError } from '../../kit/errors';
import { sameJson, useQuery } from '../../kit/useQuery';
import { SegmentNameForm } from './SegmentNameForm';
import { forAccount, sameFilter, type Segment } from './audience';

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
 * offline too): pick one to fill the filter, rename or delete it (after asking), save the filter
 * being built, or, once the picked one's filter was changed, update it in place.
 */
export function SavedSegments({ accountId, filter, building, onPick }: Props) {
  const { t, i18n } = useTranslation();
  const id = useId();
  // Read again only when the core says this account's segments changed, not on every sync event;
  // an answer like the last one renders nothing, so the list stays put.
  const segmentsChanged = useMemo(() => forAccount(onSegmentsChanged, accountId), [accountId]);
  const segments = useQuery(() => listSegments(accountId), [accountId], {
    reloadOn: segmentsChanged,
    same: sameJson,
  });
  const [editing, setEditing] = useState<Editing>(null);
  // The saved segment whose filter staff picked last (the filter may have been changed since).
  const [picked, setPicked] = useState<string | null>(null);
  // The segment whose deletion waits for staff to confirm it.
  const [confirming, setConfirming] = useState<SegmentItem | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const nf = new Intl.NumberFormat(i18n.language);
  const items = segments.data ?? [];
  const pickedItem = building ? items.find((item) => item.segment.id === picked) : undefined;
  const modified = pickedItem !== undefined && !sameFilter(pickedItem.segment.filter, filter);

  const done = (name: string) => {
    setEditing(null);
    setNotice(t('broadcasts.segments.saved', { name }));
    segments.reload();
  };

  const remove = (item: SegmentItem) => {
    setError(null);
    setNotice(null);
    setBusy(true);
    deleteSegment(item.segment.id).then(
      () => {
        setBusy(false);
        setConfirming(null);
        segments.reload();
      },
      (failure: unknown) => {
        setBusy(false);
        setConfirming(null);
        setError(describeError(t, asAppError(failure)));
      },
    );
  };

  /** Saves the filter as built now under the picked segment's id and name (through the outbox). */
  const update = (item: SegmentItem) => {
    const { segment } = item;
    setError(null);
    setNotice(null);
    setBusy(true);
    saveSegment({ id: segment.id, account_id: segment.account_id, name: segment.name, filter }).then(
      () => {
        setBusy(false);
        setNotice(t('broadcasts.segments.updated', { name: segment.name }));
        segments.reload();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(describeError(t, asAppError(failure)));
      },
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
          const edited = modified && pickedItem.segment.id === segment.id;
          return (
            <li
              key={segment.id}
              className="bc-saved-item"
              data-testid="saved-segment"
              data-waiting={String(waiting)}
              data-picked={String(building && picked === segment.id)}
            >
              <button
                type="button"
                className="bc-saved-pick"
                aria-label={t('broadcasts.segments.pick', { name: segment.name })}
                onClick={() => {
                  setNotice(null);
                  setPicked(segment.id);
                  onPick(segment.filter);
                }}
                data-testid="saved-segment-pick"
              >
                <span className="bc-saved-name">
                  {segment.name}
                  {edited ? (
                    <span className="badge bc-saved-edited" data-testid="saved-segment-edited">
                      {t('broadcasts.segments.edited')}
                    </span>
                  ) : null}
                </span>
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
                onClick={() => {
                  setNotice(null);
                  setConfirming(item);
                }}
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
          onSaved={(name) => {
            // The filter is now this segment's: later changes to it can update it in place.
            setPicked(editing.id);
            done(name);
          }}
          onCancel={() => setEditing(null)}
        />
      ) : building ? (
        <div className="bc-row">
          {modified ? (
            <button
              type="button"
              className="btn btn-small btn-primary"
              disabled={busy}
              onClick={() => update(pickedItem)}
              data-testid="segment-update"
            >
              {t('broadcasts.segments.update', { name: pickedItem.segment.name })}
            </button>
          ) : null}
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
        </div>
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
      {confirming ? (
        <Dialog labelledBy={`${id}-delete`} onClose={() => setConfirming(null)} testId="segment-delete-dialog">
          <header className="dialog-header dialog-header-stacked">
            <h2 id={`${id}-delete`}>{t('broadcasts.segments.deleteTitle', { name: confirming.segment.name })}</h2>
            <p className="muted">{t('broadcasts.segments.deleteBody')}</p>
          </header>
          <div className="dialog-footer">
            <button
              type="button"
              className="btn"
              onClick={() => setConfirming(null)}
              data-testid="segment-delete-cancel"
            >
              {t('broadcasts.segments.cancel')}
            </button>
            <button
              type="button"
              className="btn btn-danger"
              disabled={busy}
              onClick={() => remove(confirming)}
              data-testid="segment-delete-confirm"
            >
              {t('broadcasts.segments.delete')}
            </button>
          </div>
        </Dialog>
      ) : null}
    </section>
  );
}
