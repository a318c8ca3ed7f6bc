import { useCallback, useEffect, useLayoutEffect, useRef, useState, type Dispatch } from 'react';
import { useTranslation } from 'react-i18next';
import {
  loadDesignerHistory,
  onLayoutChanged,
  openLayout,
  resolveLayoutConflict,
  saveDesignerHistory,
  saveLayout,
  type DesignerDraft,
} from '../../platform';
import { asAppError, describeError } from '../../kit/errors';
import { useDebouncedSave } from '../../kit/useDebouncedSave';
import { useQuery } from '../../kit/useQuery';
import { DEFAULT_SAMPLE } from '../../renderer';
import type { Issue, Layout, SampleSubscriber } from '../../shared/model';
import { parseHistory, serializeHistory, type DesignerAction, type DesignerState } from './state';

export const SAVE_DEBOUNCE_MS = 300;
export const HISTORY_DEBOUNCE_MS = 800;
export const EMPTY_LAYOUT: Layout = { schema_version: 1, modules: [], pages: [], menu: { items: [] } };

/** Keep the old array when the new one says the same (the phone re-renders less). */
function sameIssues(a: Issue[], b: Issue[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

type Options = {
  accountId: string;
  state: DesignerState;
  dispatch: Dispatch<DesignerAction>;
  /** A conflict to show: `force` on open, otherwise only when no other dialog is up. */
  onConflict: (force: boolean) => void;
  onNotice: (message: string) => void;
  onInfo: (message: string) => void;
};

/**
 * The draft on disk: opens it with the undo history kept from last time,
 * saves every change (debounced) naming the revision it was made on, saves
 * the history beside it, flushes both when the workspace goes away, and
 * follows the core's news of the draft (sync, conflicts, a colleague's save).
 */
export function useAutosave({ accountId, state, dispatch, onConflict, onNotice, onInfo }: Options) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<DesignerDraft | null>(null);
  const [sample, setSample] = useState<SampleSubscriber>(DEFAULT_SAMPLE);
  const [saving, setSaving] = useState(false);
  const loaded = useRef(false);
  // What was last asked to be saved (not last confirmed).
  const saved = useRef<Layout | null>(null);
  // The revision whose layout the reducer was loaded with: every save names
  // it, so the core can tell an edit made on a layout it has since replaced.
  const shownRevision = useRef(0);
  // The newest layout, for core events that arrive between renders.
  const current = useRef<Layout>(EMPTY_LAYOUT);
  useLayoutEffect(() => {
    current.current = state.layout;
  }, [state.layout]);

  const applyDraft = useCallback((next: DesignerDraft) => {
    setDraft((prev) => (prev && sameIssues(prev.issues, next.issues) ? { ...next, issues: prev.issues } : next));
  }, []);

  // Open: the draft and the undo history kept from last time.
  const opened = useQuery(
    () => Promise.all([openLayout(accountId), loadDesignerHistory(accountId).catch(() => null)]),
    [accountId],
    {
      onData: ([layout, historyJson]) => {
        const stored = parseHistory<SampleSubscriber>(historyJson);
        saved.current = layout.layout;
        shownRevision.current = layout.loaded_revision;
        loaded.current = true;
        dispatch({ type: 'load', layout: layout.layout, past: stored?.past, future: stored?.future });
        if (stored?.sample) setSample({ ...DEFAULT_SAMPLE, ...stored.sample });
        setDraft(layout);
        if (layout.conflict) onConflict(true);
      },
    },
  );
  const loadError = opened.error && !opened.data ? describeError(t, asAppError(opened.error)) : null;

  const layoutSave = useDebouncedSave((layout: Layout) => {
    // What was last asked for, not last confirmed: an undo that lands while
    // a save is on its way must still be saved after it.
    saved.current = layout;
    setSaving(true);
    return saveLayout(accountId, layout, shownRevision.current).then(
      (next) => {
        setSaving(false);
        applyDraft(next);
        // Made on a layout a colleague's save has replaced: both are kept.
        if (next.conflict) onConflict(false);
      },
      (e: unknown) => {
        // Not kept: the next change saves the whole layout again.
        if (saved.current === layout) saved.current = null;
        setSaving(false);
        onNotice(t('designer.saveFailed', { reason: describeError(t, asAppError(e)) }));
      },
    );
  }, SAVE_DEBOUNCE_MS);
  const historySave = useDebouncedSave(
    // Serialised only when it is written, not on every keystroke.
    (wanted: { state: DesignerState; sample: SampleSubscriber }) =>
      saveDesignerHistory(accountId, serializeHistory(wanted.state, wanted.sample)).catch(() => undefined),
    HISTORY_DEBOUNCE_MS,
  );

  // Autosave every change (debounced).
  useEffect(() => {
    if (!loaded.current) return;
    // Back at what was last saved (an undo and a redo within the debounce):
    // the step in between must not be saved after it.
    if (state.layout === saved.current) layoutSave.cancel();
    else layoutSave.schedule(state.layout);
  }, [state.layout, layoutSave]);

  useEffect(() => {
    if (!loaded.current) return;
    historySave.schedule({ state, sample });
    // The history changes with the layout; the typing marker does not matter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.past, state.future, sample, historySave]);

  // The core says the draft changed elsewhere: its state (sync, conflict,
  // publish), and a colleague's newer layout the cache took. That layout is
  // shown when nothing typed here waits; otherwise what waits is saved, and
  // the core keeps it beside theirs as a conflict.
  const news = useRef({ onConflict, onInfo });
  useEffect(() => {
    news.current = { onConflict, onInfo };
  });
  useEffect(
    () =>
      onLayoutChanged((id) => {
        if (id !== accountId) return;
        openLayout(accountId).then(
          (next) => {
            applyDraft(next);
            if (next.conflict) {
              news.current.onConflict(false);
              return;
            }
            if (next.loaded_revision <= shownRevision.current) return;
            if (layoutSave.waiting() || current.current !== saved.current) {
              void layoutSave.flush();
              return;
            }
            saved.current = next.layout;
            shownRevision.current = next.loaded_revision;
            dispatch({ type: 'load', layout: next.layout });
            news.current.onInfo(
              t('designer.colleagueSaveShown', {
                who: next.loaded_by ?? t('designer.conflict.someone'),
                revision: next.loaded_revision,
              }),
            );
          },
          () => undefined,
        );
      }),
    [accountId, applyDraft, layoutSave, dispatch, t],
  );

  /** Keeps the layout chosen in a conflict; resolves with the new draft. */
  const resolve = (chosen: Layout) =>
    resolveLayoutConflict(accountId, chosen).then((next) => {
      saved.current = next.layout;
      shownRevision.current = next.loaded_revision;
      applyDraft(next);
      dispatch({ type: 'replace', layout: next.layout });
    });

  /** Reads the draft again (after a rollback). */
  const reread = () => openLayout(accountId).then(applyDraft, () => undefined);

  return { draft, applyDraft, loadError, sample, setSample, saving, flush: layoutSave.flush, resolve, reread, current };
}
