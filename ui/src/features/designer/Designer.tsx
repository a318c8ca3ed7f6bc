import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
  type CollisionDetection,
  type DragEndEvent,
  type DragMoveEvent,
  type DragStartEvent,
} from '@dnd-kit/core';
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { asAppError, describeError } from '../../kit/errors';
import {
  exportLayoutFile,
  importLayoutFile,
  listAccounts,
  loadDesignerHistory,
  moduleCatalog,
  layoutTemplates,
  templateFields,
  onLayoutChanged,
  openLayout,
  pickOpenPath,
  pickSavePath,
  publishLayout,
  liveWechatMenu,
  resolveLayoutConflict,
  saveDesignerHistory,
  saveLayout,
  type AccountListItem,
  type CatalogEntry,
  type DesignerDraft,
  type LayoutTemplate,
  type TemplateField,
} from '../../platform';
import { DEFAULT_SAMPLE } from '../../renderer';
import '../../renderer/renderer.css';
import type { Issue, Layout, Menu, Module, ModuleKind, SampleSubscriber } from '../../shared/model';
import { Canvas, DEVICES, type CanvasHandle, type DeviceId, type PhoneView } from './Canvas';
import { moduleOfKind } from './catalog';
import { ConflictDialog, ExportMenuDialog, HistoryDrawer, ImportMenuDialog, IssuesDialog, TemplatesDialog } from './Dialogs';
import { canvasDrop, outlineDrop, type Drop, type Indicator } from './drop';
import { useDesignerDndAccessibility } from './dndAccessibility';
import { Inspector } from './Inspector';
import { MenuEditor } from './MenuEditor';
import { PagesEditor } from './Pages';
import { ToolbarActions } from './ToolbarActions';
import { WechatMenuStatus } from './WechatMenuStatus';
import { AlipayHomeStatus } from './AlipayHomeStatus';
import { AlipayImportDialog } from './AlipayImportDialog';
import { Outline, type OutlineHandle } from './Outline';
import { KindIcon, Palette } from './Palette';
import { freshPageId, initialState, parseHistory, placeAfter, readOnlyReducer, reducer, serializeHistory } from './state';
import { listAt, locate, subtreeIds, walk, type Slot } from './tree';
import './designer.css';

export const SAVE_DEBOUNCE_MS = 300;
export const HISTORY_DEBOUNCE_MS = 800;
const ACCOUNT_KEY = 'wicket.designer.account';
const CLIPBOARD_KEY = 'wicket.designer.clipboard';

const EMPTY_LAYOUT: Layout = { schema_version: 1, modules: [], pages: [], menu: { items: [] } };
/** Constant, so the sensors (and every draggable's listeners with them) keep their identity across renders. */
const POINTER_OPTIONS = { activationConstraint: { distance: 4 } };

let memoryClipboard: Module[] | null = null;

function copyModules(modules: Module[]): void {
  memoryClipboard = structuredClone(modules);
  try {
    localStorage.setItem(CLIPBOARD_KEY, JSON.stringify(modules));
  } catch {
    // Storage full or unavailable: the in-memory copy still pastes in this window.
  }
}

function pasteModules(): Module[] | null {
  try {
    const stored = localStorage.getItem(CLIPBOARD_KEY);
    if (stored) {
      const value = JSON.parse(stored) as unknown;
      if (Array.isArray(value) && value.every((m) => m && typeof m === 'object' && typeof (m as Module).id === 'string' && typeof (m as Module).props === 'object')) return value as Module[];
    }
  } catch {
    // Not ours or unreadable: fall back to the in-memory copy.
  }
  return memoryClipboard;
}

function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return (tag === 'INPUT' && !['checkbox', 'radio', 'button'].includes((target as HTMLInputElement).type)) || tag === 'TEXTAREA' || tag === 'SELECT';
}

/** Keep the old array when the new one says the same (the phone re-renders less). */
function sameIssues(a: Issue[], b: Issue[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

/** The Designer screen: pick an account, then lay out its function view. */
/** `canDesign`: the signed-in role may edit and publish (the model's permission table says). */
export function DesignerScreen({ canDesign = true }: { canDesign?: boolean }) {
  const { t } = useTranslation();
  const [accounts, setAccounts] = useState<AccountListItem[] | null>(null);
  const [accountId, setAccountId] = useState<string | null>(() => {
    try {
      return localStorage.getItem(ACCOUNT_KEY);
    } catch {
      return null;
    }
  });
  const [catalog, setCatalog] = useState<CatalogEntry[]>([]);
  const [templates, setTemplates] = useState<LayoutTemplate[]>([]);
  const [fields, setFields] = useState<TemplateField[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    listAccounts().then(
      (list) => live && setAccounts(list.filter((a) => !a.account.archived)),
      (e: unknown) => live && setError(describeError(t, asAppError(e))),
    );
    moduleCatalog().then(
      (list) => live && setCatalog(list),
      (e: unknown) => live && setError(describeError(t, asAppError(e))),
    );
    layoutTemplates().then(
      (list) => live && setTemplates(list),
      () => undefined,
    );
    // Without them the inspector simply offers no picker; typing works.
    templateFields().then(
      (list) => live && setFields(list),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [t]);

  const current = accounts?.find((a) => a.account.id === accountId) ?? accounts?.[0] ?? null;
  const choose = (id: string) => {
    setAccountId(id);
    try {
      localStorage.setItem(ACCOUNT_KEY, id);
    } catch {
      // Remembering the choice is a convenience.
    }
  };

  return (
    <div className="designer" data-testid="designer-screen">
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {accounts !== null && accounts.length === 0 && (
        <section className="empty-state card" data-testid="designer-no-accounts">
          <div className="empty-mark" aria-hidden="true" />
          <h2>{t('designer.noAccounts.title')}</h2>
          <p>{t('designer.noAccounts.body')}</p>
        </section>
      )}
      {accounts === null && !error && <p className="muted">{t('designer.loading')}</p>}
      {current && (
        <Workspace
          key={current.account.id}
          account={current}
          accounts={accounts ?? []}
          onAccount={choose}
          catalog={catalog}
          templates={templates}
          fields={fields}
          readOnly={!canDesign}
        />
      )}
    </div>
  );
}

type DialogName = 'templates' | 'exportMenu' | 'importMenu' | 'alipayImport' | 'conflict' | 'issues' | 'publishIssues' | null;
type Dragging = { label: string; kind: string; excluded: ReadonlySet<string>; entry: CatalogEntry | null; id: string | null };

function Workspace({
  account,
  accounts,
  onAccount,
  catalog,
  templates,
  fields,
  readOnly,
}: {
  account: AccountListItem;
  accounts: AccountListItem[];
  onAccount: (id: string) => void;
  catalog: CatalogEntry[];
  templates: LayoutTemplate[];
  fields: TemplateField[];
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const accountId = account.account.id;
  const [state, dispatch] = useReducer(readOnly ? readOnlyReducer : reducer, EMPTY_LAYOUT, initialState);
  const [draft, setDraft] = useState<DesignerDraft | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // News that is not a failure (a colleague's newer layout shown).
  const [info, setInfo] = useState<string | null>(null);
  const [sample, setSample] = useState<SampleSubscriber>(DEFAULT_SAMPLE);
  // The page picked to show; a page undone away falls back to home (`page` below).
  const [pagePicked, setPage] = useState<string | null>(null);
  const [device, setDevice] = useState<DeviceId>('small');
  const [view, setView] = useState<PhoneView>('function');
  const [dialog, setDialog] = useState<DialogName>(null);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [publishIssues, setPublishIssues] = useState<Issue[]>([]);
  const [saving, setSaving] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [dragging, setDragging] = useState<Dragging | null>(null);
  const [canvasIndicator, setCanvasIndicator] = useState<Indicator | null>(null);
  const [outlineIndicator, setOutlineIndicator] = useState<Indicator | null>(null);
  const loaded = useRef(false);
  const saved = useRef<Layout | null>(null);
  // The revision whose layout the reducer was loaded with: every save names
  // it, so the core can tell an edit made on a layout it has since replaced.
  const shownRevision = useRef(0);
  // The newest layout, for core events that arrive between renders.
  const current = useRef<Layout>(EMPTY_LAYOUT);
  const pending = useRef<Layout | null>(null);
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const historyTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // What the history would store: serialised only when it is written, not on every keystroke.
  const historyWanted = useRef<{ state: typeof state; sample: SampleSubscriber } | null>(null);
  const dropRef = useRef<Drop | null>(null);
  const canvasRef = useRef<CanvasHandle>(null);
  const outlineRef = useRef<OutlineHandle>(null);

  const applyDraft = useCallback((next: DesignerDraft) => {
    setDraft((prev) => (prev && sameIssues(prev.issues, next.issues) ? { ...next, issues: prev.issues } : next));
  }, []);

  // Open: the draft and the undo history kept from last time.
  useEffect(() => {
    let live = true;
    Promise.all([openLayout(accountId), loadDesignerHistory(accountId).catch(() => null)]).then(
      ([opened, historyJson]) => {
        if (!live) return;
        const stored = parseHistory<SampleSubscriber>(historyJson);
        saved.current = opened.layout;
        shownRevision.current = opened.loaded_revision;
        loaded.current = true;
        dispatch({ type: 'load', layout: opened.layout, past: stored?.past, future: stored?.future });
        if (stored?.sample) setSample({ ...DEFAULT_SAMPLE, ...stored.sample });
        setDraft(opened);
        if (opened.conflict) setDialog('conflict');
      },
      (e: unknown) => live && setLoadError(describeError(t, asAppError(e))),
    );
    return () => {
      live = false;
    };
  }, [accountId, t]);

  const flushSave = useCallback((): Promise<void> => {
    if (saveTimer.current) clearTimeout(saveTimer.current);
    saveTimer.current = null;
    const layout = pending.current;
    if (layout === null) return Promise.resolve();
    pending.current = null;
    // What was last asked for, not last confirmed: an undo that lands while
    // a save is on its way must still be saved after it.
    saved.current = layout;
    setSaving(true);
    return saveLayout(accountId, layout, shownRevision.current).then(
      (next) => {
        setSaving(false);
        applyDraft(next);
        // Made on a layout a colleague's save has replaced: both are kept.
        if (next.conflict) setDialog((d) => d ?? 'conflict');
      },
      (e: unknown) => {
        // Not kept: the next change saves the whole layout again.
        if (saved.current === layout) saved.current = null;
        setSaving(false);
        setNotice(t('designer.saveFailed', { reason: describeError(t, asAppError(e)) }));
      },
    );
  }, [accountId, applyDraft, t]);

  const flushHistory = useCallback(() => {
    if (historyTimer.current) clearTimeout(historyTimer.current);
    historyTimer.current = null;
    const wanted = historyWanted.current;
    if (wanted === null) return;
    historyWanted.current = null;
    saveDesignerHistory(accountId, serializeHistory(wanted.state, wanted.sample)).catch(() => undefined);
  }, [accountId]);

  // Autosave every change (debounced), and the history with it.
  useEffect(() => {
    if (!loaded.current) return;
    if (state.layout === saved.current) {
      // Back at what was last saved (an undo and a redo within the debounce):
      // the step in between must not be saved after it.
      pending.current = null;
      if (saveTimer.current) clearTimeout(saveTimer.current);
      saveTimer.current = null;
      return;
    }
    pending.current = state.layout;
    if (saveTimer.current) clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => void flushSave(), SAVE_DEBOUNCE_MS);
  }, [state.layout, flushSave]);

  useEffect(() => {
    if (!loaded.current) return;
    historyWanted.current = { state, sample };
    if (historyTimer.current) clearTimeout(historyTimer.current);
    historyTimer.current = setTimeout(flushHistory, HISTORY_DEBOUNCE_MS);
    // The history changes with the layout; the typing marker does not matter.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.past, state.future, sample, flushHistory]);

  // Leaving (another account, another screen): nothing waits.
  useEffect(
    () => () => {
      void flushSave();
      flushHistory();
    },
    [flushSave, flushHistory],
  );

  // The core says the draft changed elsewhere: its state (sync, conflict,
  // publish), and a colleague's newer layout the cache took. That layout is
  // shown when nothing typed here waits; otherwise what waits is saved, and
  // the core keeps it beside theirs as a conflict.
  useEffect(
    () =>
      onLayoutChanged((id) => {
        if (id !== accountId) return;
        openLayout(accountId).then(
          (next) => {
            applyDraft(next);
            if (next.conflict) {
              setDialog((d) => d ?? 'conflict');
              return;
            }
            if (next.loaded_revision <= shownRevision.current) return;
            const unsaved = pending.current !== null || current.current !== saved.current;
            if (unsaved) {
              void flushSave();
              return;
            }
            saved.current = next.layout;
            shownRevision.current = next.loaded_revision;
            dispatch({ type: 'load', layout: next.layout });
            setInfo(
              t('designer.colleagueSaveShown', {
                who: next.loaded_by ?? t('designer.conflict.someone'),
                revision: next.loaded_revision,
              }),
            );
          },
          () => undefined,
        );
      }),
    [accountId, applyDraft, flushSave, t],
  );

  const layout = state.layout;
  useLayoutEffect(() => {
    current.current = layout;
  }, [layout]);
  const issues = useMemo(() => draft?.issues ?? [], [draft?.issues]);
  const page = pagePicked !== null && layout.pages.some((p) => p.id === pagePicked) ? pagePicked : null;
  const rootSlot = useMemo<Slot>(() => ({ parent: null, page }), [page]);
  const rootModules = useMemo(() => listAt(layout, rootSlot) ?? [], [layout, rootSlot]);
  const rootPath = page === null ? 'modules' : `pages.${layout.pages.findIndex((p) => p.id === page)}.modules`;
  const selected = state.selected !== null ? locate(layout, state.selected) : null;
  const platform = draft?.platform ?? account.account.platform;

  // Where new modules go: after the selection, or at the end of the page shown.
  const insertPlace = useCallback(() => {
    if (state.selected !== null && locate(layout, state.selected)) return placeAfter(layout, state.selected);
    return { slot: rootSlot, index: rootModules.length };
  }, [layout, state.selected, rootSlot, rootModules.length]);

  // Stable (the palette need not re-render on every edit): reads the newest place when called.
  const insertPlaceRef = useRef(insertPlace);
  useLayoutEffect(() => {
    insertPlaceRef.current = insertPlace;
  }, [insertPlace]);
  const addKind = useCallback((entry: CatalogEntry) => dispatch({ type: 'insert', modules: [moduleOfKind(entry.kind, entry.sample)], at: insertPlaceRef.current() }), []);
  const select = useCallback((id: string | null) => dispatch({ type: 'select', id }), []);
  const moveBy = useCallback((id: string, delta: -1 | 1) => dispatch({ type: 'move_by', id, delta }), []);
  const duplicate = useCallback((id: string) => dispatch({ type: 'duplicate', id }), []);
  const remove = useCallback((id: string) => dispatch({ type: 'remove', id }), []);
  const endTyping = useCallback(() => dispatch({ type: 'end_typing' }), []);
  const onProps = useCallback((props: ModuleKind, field: string) => {
    if (state.selected !== null) dispatch({ type: 'set_props', id: state.selected, props, field, now: Date.now() });
  }, [state.selected]);
  const onMenu = useCallback((menu: Menu, field: string) => dispatch({ type: 'set_menu', menu, field, now: Date.now() }), []);
  const addPage = () => {
    const id = freshPageId(layout);
    dispatch({ type: 'add_page', id, title: t('designer.pages.newTitle', { n: layout.pages.length + 1 }) });
    setPage(id);
  };
  const renamePage = useCallback((id: string, title: string) => dispatch({ type: 'rename_page', id, title, now: Date.now() }), []);
  const removePage = useCallback((id: string) => dispatch({ type: 'remove_page', id }), []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (dialog !== null) return;
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (mod && key === 'z') {
      event.preventDefault();
      dispatch({ type: event.shiftKey ? 'redo' : 'undo' });
      return;
    }
    if (mod && key === 'y') {
      event.preventDefault();
      dispatch({ type: 'redo' });
      return;
    }
    if (isTextField(event.target)) return;
    const id = state.selected;
    if (mod && key === 'd' && id !== null) {
      event.preventDefault();
      dispatch({ type: 'duplicate', id });
    } else if (mod && key === 'c' && selected) {
      event.preventDefault();
      copyModules([selected.module]);
      setNotice(null);
    } else if (mod && key === 'v') {
      const modules = pasteModules();
      if (modules && modules.length > 0) {
        event.preventDefault();
        dispatch({ type: 'insert', modules, at: insertPlace() });
      }
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && id !== null) {
      event.preventDefault();
      dispatch({ type: 'remove', id });
    } else if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown') && id !== null) {
      event.preventDefault();
      dispatch({ type: 'move_by', id, delta: event.key === 'ArrowUp' ? -1 : 1 });
    } else if (event.key === 'Escape' && id !== null) {
      dispatch({ type: 'select', id: null });
    }
  };

  // Drag and drop: one computation gives the indicator and the drop.
  const sensors = useSensors(useSensor(PointerSensor, POINTER_OPTIONS), useSensor(KeyboardSensor));
  const dndAccessibility = useDesignerDndAccessibility(current);
  const collision = useCallback<CollisionDetection>((args) => {
    const hits = pointerWithin(args);
    return hits.length > 0 ? hits : rectIntersection(args);
  }, []);

  const onDragStart = (event: DragStartEvent) => {
    const data = event.active.data.current as { type: 'kind'; entry: CatalogEntry } | { type: 'module'; id: string } | undefined;
    dropRef.current = null;
    if (data?.type === 'kind') {
      setDragging({ label: t(`designer.kind.${data.entry.kind}.name`), kind: data.entry.kind, excluded: new Set(), entry: data.entry, id: null });
    } else if (data?.type === 'module') {
      const at = locate(layout, data.id);
      if (!at) return;
      setDragging({ label: t(`designer.kind.${at.module.props.kind}.name`), kind: at.module.props.kind, excluded: subtreeIds(at.module), entry: null, id: data.id });
    }
  };

  const onDragMove = (event: DragMoveEvent) => {
    if (!dragging) return;
    const activator = event.activatorEvent as Partial<PointerEvent>;
    let x: number;
    let y: number;
    if (typeof activator.clientX === 'number' && typeof activator.clientY === 'number') {
      x = activator.clientX + event.delta.x;
      y = activator.clientY + event.delta.y;
    } else {
      const r = event.active.rect.current.translated;
      if (!r) return;
      x = r.left + r.width / 2;
      y = r.top + r.height / 2;
    }
    const over = event.over?.id;
    let drop: Drop | null = null;
    if (over === 'canvas') {
      const geometry = canvasRef.current?.measure();
      const point = canvasRef.current?.toScreen(x, y);
      if (geometry && point) drop = canvasDrop(geometry, point.x, point.y, dragging.excluded);
      setCanvasIndicator(drop?.indicator ?? null);
      setOutlineIndicator(null);
    } else if (over === 'outline') {
      const measured = outlineRef.current?.measure();
      if (measured) drop = outlineDrop(measured.rows, { slot: rootSlot, count: rootModules.length, box: measured.box }, y, dragging.excluded);
      setOutlineIndicator(drop?.indicator ?? null);
      setCanvasIndicator(null);
    } else {
      setCanvasIndicator(null);
      setOutlineIndicator(null);
    }
    dropRef.current = drop;
  };

  const endDrag = () => {
    setDragging(null);
    setCanvasIndicator(null);
    setOutlineIndicator(null);
    dropRef.current = null;
  };

  const onDragEnd = (_event: DragEndEvent) => {
    const drop = dropRef.current;
    const drag = dragging;
    endDrag();
    if (!drop || !drag) return;
    if (drag.entry) dispatch({ type: 'insert', modules: [moduleOfKind(drag.entry.kind, drag.entry.sample)], at: drop.target });
    else if (drag.id !== null) dispatch({ type: 'move', id: drag.id, to: drop.target });
  };

  // Publish, files, templates, conflicts.
  const publish = () => {
    setPublishing(true);
    flushSave()
      .then(() => publishLayout(accountId))
      .then(
        (next) => {
          setPublishing(false);
          applyDraft(next);
        },
        (e: unknown) => {
          setPublishing(false);
          const err = asAppError(e);
          if (err.code === 'invalid' && err.issues.length > 0) {
            setPublishIssues(err.issues);
            setDialog('publishIssues');
          } else {
            setNotice(err.code === 'offline' ? t('designer.publish.offline') : describeError(t, err));
          }
        },
      );
  };

  const importFile = () => {
    pickOpenPath([{ name: t('designer.file.filter'), extensions: ['json'] }])
      .then((path) => (path === null ? null : importLayoutFile(path)))
      .then(
        (imported) => {
          if (imported) dispatch({ type: 'replace', layout: imported });
        },
        (e: unknown) => setNotice(t('designer.file.importFailed', { reason: describeError(t, asAppError(e)) })),
      );
  };

  const exportFile = () => {
    pickSavePath(`${account.account.name || 'layout'}.wicket-layout.json`, [{ name: t('designer.file.filter'), extensions: ['json'] }])
      .then((path) => (path === null ? null : exportLayoutFile(path, layout)))
      .then(
        (done) => {
          if (done !== null) setNotice(null);
        },
        (e: unknown) => setNotice(t('designer.file.exportFailed', { reason: describeError(t, asAppError(e)) })),
      );
  };

  const resolve = (chosen: Layout) => {
    resolveLayoutConflict(accountId, chosen).then(
      (next) => {
        saved.current = next.layout;
        shownRevision.current = next.loaded_revision;
        applyDraft(next);
        dispatch({ type: 'replace', layout: next.layout });
        setDialog(null);
      },
      (e: unknown) => setNotice(describeError(t, asAppError(e))),
    );
  };

  // An issue's path → the module it is about (the longest module path it starts with).
  // Built when an issue is followed, not on every edit.
  const goToIssue = (issue: Issue) => {
    setDialog(null);
    const moduleByPath = new Map<string, string>();
    walk(layout, (at) => {
      moduleByPath.set(at.path, at.module.id);
    });
    const parts = issue.path.split('.');
    for (let n = parts.length; n > 0; n--) {
      const id = moduleByPath.get(parts.slice(0, n).join('.'));
      if (id !== undefined) {
        const at = locate(layout, id);
        if (at) setPage(at.slot.parent === null ? at.slot.page : (locateRootPage(layout, id) ?? null));
        dispatch({ type: 'select', id });
        return;
      }
    }
    dispatch({ type: 'select', id: null });
  };

  if (loadError) {
    return (
      <p className="form-error" role="alert" data-testid="designer-load-error">
        {t('designer.loadFailed', { reason: loadError })}
      </p>
    );
  }

  const syncState = draft?.sync ?? 'waiting';
  const publishState = draft?.publish ?? null;
  // The toolbar's status texts: cut with an ellipsis where the toolbar is narrow, whole in their tooltips.
  const saveText = saving ? t('designer.save.saving') : t(`designer.save.${syncState}`);
  const publishText =
    publishState === null
      ? ''
      : publishState.state === 'published'
        ? t('designer.publish.published', { n: publishState.version })
        : publishState.state === 'queued'
          ? t('designer.publish.queued')
          : t('designer.publish.failed', { reason: describeError(t, publishState.error) });

  return (
    <div className="dz" data-testid="designer" tabIndex={-1} onKeyDown={onKeyDown}>
      <div className="dz-toolbar" role="toolbar" aria-label={t('designer.toolbar')}>
        <label className="dz-account">
          <span className="visually-hidden">{t('designer.account')}</span>
          <select value={accountId} onChange={(e) => onAccount(e.target.value)} data-testid="designer-account">
            {accounts.map((a) => (
              <option key={a.account.id} value={a.account.id}>
                {a.account.name} · {t(`platform.${a.account.platform}`)}
              </option>
            ))}
          </select>
        </label>
        <span className={`badge badge-${platform}`}>{t(`platform.${platform}`)}</span>
        <span className="dz-divider" />
        <button type="button" className="btn btn-ghost btn-small" onClick={() => dispatch({ type: 'undo' })} disabled={readOnly || state.past.length === 0} data-testid="undo" title={t('designer.undoHint')}>
          {t('designer.undo')}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => dispatch({ type: 'redo' })} disabled={readOnly || state.future.length === 0} data-testid="redo" title={t('designer.redoHint')}>
          {t('designer.redo')}
        </button>
        <span className="dz-divider" />
        <ToolbarActions
          actions={[
            { id: 'templates', label: t('designer.templates.open'), onClick: () => setDialog('templates'), disabled: readOnly },
            { id: 'import-file', label: t('designer.file.import'), onClick: importFile, disabled: readOnly },
            { id: 'export-file', label: t('designer.file.export'), onClick: exportFile },
            { id: 'history', label: t('designer.history.open'), onClick: () => setHistoryOpen((o) => !o), expanded: historyOpen },
          ]}
        />
        <span className="dz-grow" />
        <span className={`dz-save dz-save-${saving ? 'saving' : syncState}`} data-testid="save-state" role="status" title={saveText}>
          <span className="dz-status-text">{saveText}</span>
        </span>
        <button type="button" className={`dz-issues-button${issues.length > 0 ? ' has-issues' : ''}`} onClick={() => setDialog('issues')} data-testid="issue-count">
          {issues.length > 0 ? t('designer.issues.count', { count: issues.length }) : t('designer.issues.none')}
        </button>
        {publishState && (
          <span className={`dz-publish-state dz-publish-${publishState.state}`} data-testid="publish-state" title={publishText}>
            {publishText}
          </span>
        )}
        {platform === 'wechat' && publishState?.state === 'published' && <WechatMenuStatus key={accountId} accountId={accountId} version={publishState.version} canRetry={!readOnly} />}
        <button type="button" className="btn btn-primary" onClick={publish} disabled={readOnly || publishing || draft === null} data-testid="publish">
          {publishing ? t('designer.publish.busy') : t('designer.publish.button')}
        </button>
      </div>

      {platform === 'alipay' && (
        <AlipayHomeStatus
          key={accountId}
          accountId={accountId}
          version={publishState?.state === 'published' ? publishState.version : null}
          canRetry={!readOnly}
          onImport={readOnly ? null : () => setDialog('alipayImport')}
        />
      )}
      {readOnly && (
        <div className="dz-banner" role="status" data-testid="designer-read-only">
          <span>{t('designer.readOnly')}</span>
        </div>
      )}
      {draft?.conflict && (
        <div className="dz-banner" role="alert" data-testid="conflict-banner">
          <span>{t('designer.conflict.banner', { who: draft.conflict.updated_by ?? t('designer.conflict.someone') })}</span>
          <button type="button" className="btn btn-small" onClick={() => setDialog('conflict')}>
            {t('designer.conflict.review')}
          </button>
        </div>
      )}
      {info && (
        <div className="notice notice-info dz-notice" role="status" data-testid="designer-info">
          <span>{info}</span>
          <button type="button" className="btn btn-link" onClick={() => setInfo(null)}>
            {t('rejected.dismiss')}
          </button>
        </div>
      )}
      {notice && (
        <div className="notice dz-notice" role="alert" data-testid="designer-notice">
          <span>{notice}</span>
          <button type="button" className="btn btn-link" onClick={() => setNotice(null)}>
            {t('rejected.dismiss')}
          </button>
        </div>
      )}

      <DndContext sensors={sensors} accessibility={dndAccessibility} collisionDetection={collision} onDragStart={onDragStart} onDragMove={onDragMove} onDragEnd={onDragEnd} onDragCancel={endDrag}>
        <div className="dz-columns">
          <div className="dz-left">
            <Palette catalog={catalog} onAdd={addKind} />
            <Outline
              ref={outlineRef}
              modules={rootModules}
              root={rootSlot}
              rootPath={rootPath}
              selected={state.selected}
              issues={issues}
              indicator={outlineIndicator}
              onSelect={select}
              onMoveBy={moveBy}
              onRemove={remove}
            />
          </div>
          <div className="dz-center">
            <div className="dz-canvas-bar">
              <label>
                <span className="visually-hidden">{t('designer.canvas.page')}</span>
                <select value={page ?? ''} onChange={(e) => setPage(e.target.value === '' ? null : e.target.value)} data-testid="page-picker">
                  <option value="">{t('designer.canvas.home')}</option>
                  {layout.pages.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.title || p.id}
                    </option>
                  ))}
                </select>
              </label>
              <div className="dz-segmented" role="radiogroup" aria-label={t('designer.canvas.device')}>
                {(Object.keys(DEVICES) as DeviceId[]).map((d) => (
                  <label key={d} className={device === d ? 'is-on' : ''}>
                    <input type="radio" name="dz-device" checked={device === d} onChange={() => setDevice(d)} data-testid={`device-${d}`} />
                    {t(`designer.canvas.${d}`, { w: DEVICES[d].width, h: DEVICES[d].height })}
                  </label>
                ))}
              </div>
              <div className="dz-segmented" role="radiogroup" aria-label={t('designer.canvas.view')}>
                {(['function', 'chat'] as const).map((v) => (
                  <label key={v} className={view === v ? 'is-on' : ''}>
                    <input type="radio" name="dz-view" checked={view === v} onChange={() => setView(v)} data-testid={`view-${v}`} />
                    {t(`designer.canvas.${v}`)}
                  </label>
                ))}
              </div>
            </div>
            <Canvas
              ref={canvasRef}
              layout={layout}
              page={page}
              onPage={setPage}
              sample={sample}
              issues={issues}
              selected={state.selected}
              onSelect={select}
              indicator={canvasIndicator}
              device={device}
              view={view}
              onView={setView}
              accountName={account.account.name}
              onMoveBy={moveBy}
              onDuplicate={duplicate}
              onRemove={remove}
            />
          </div>
          <div className="dz-right">
            {selected ? (
              <Inspector key={selected.module.id} module={selected.module} path={selected.path} issues={issues} pages={layout.pages} templateFields={fields} onChange={onProps} onEndTyping={endTyping} />
            ) : (
              <MenuEditor menu={layout.menu} platform={platform} issues={issues} pages={layout.pages} onChange={onMenu} onEndTyping={endTyping} onExport={() => setDialog('exportMenu')} onImport={() => setDialog('importMenu')}>
                <PagesEditor pages={layout.pages} issues={issues} shown={page} onShow={setPage} onAdd={addPage} onRename={renamePage} onRemove={removePage} onEndTyping={endTyping} />
                <SampleEditor sample={sample} onChange={setSample} />
              </MenuEditor>
            )}
          </div>
        </div>
        <DragOverlay dropAnimation={null}>
          {dragging && (
            <div className="dz-drag-chip">
              <KindIcon kind={dragging.kind} />
              {dragging.label}
            </div>
          )}
        </DragOverlay>
      </DndContext>

      {historyOpen && (
        <HistoryDrawer
          accountId={accountId}
          draft={layout}
          onClose={() => setHistoryOpen(false)}
          onRolledBack={() => {
            setHistoryOpen(false);
            openLayout(accountId).then(applyDraft, () => undefined);
          }}
        />
      )}
      {dialog === 'templates' && (
        <TemplatesDialog
          templates={templates}
          hasContent={layout.modules.length > 0 || layout.menu.items.length > 0 || layout.pages.length > 0}
          onPick={(next) => {
            dispatch({ type: 'replace', layout: next });
            setPage(null);
            setDialog(null);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'exportMenu' && <ExportMenuDialog layout={layout} platform={platform} onClose={() => setDialog(null)} />}
      {dialog === 'importMenu' && (
        <ImportMenuDialog
          onLive={platform === 'wechat' ? () => liveWechatMenu(accountId) : undefined}
          onImport={(menu) => {
            dispatch({ type: 'set_menu', menu });
            setDialog(null);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'alipayImport' && (
        <AlipayImportDialog
          accountId={accountId}
          onUse={(home) => {
            // Alipay's home page is the draft's menu and home modules; its pages stay.
            dispatch({ type: 'replace', layout: { ...layout, menu: home.layout.menu, modules: home.layout.modules } });
            setPage(null);
            setDialog(null);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'conflict' && draft?.conflict && <ConflictDialog draft={draft} mine={layout} sample={sample} onResolve={resolve} onClose={() => setDialog(null)} />}
      {dialog === 'issues' && <IssuesDialog title={t('designer.issues.title')} issues={issues} onGo={goToIssue} onClose={() => setDialog(null)} />}
      {dialog === 'publishIssues' && <IssuesDialog title={t('designer.publish.refused')} issues={publishIssues} onGo={goToIssue} onClose={() => setDialog(null)} />}
    </div>
  );
}

/** The page (null: home) a module is on. */
function locateRootPage(layout: Layout, id: string): string | null {
  for (const page of layout.pages) {
    let found = false;
    walk({ ...layout, modules: [], pages: [page] }, (at) => {
      if (at.module.id === id) found = true;
    });
    if (found) return page.id;
  }
  return null;
}

const SAMPLE_FIELDS: (keyof SampleSubscriber)[] = ['name', 'level', 'card_masked_number', 'statement_amount', 'statement_due_date', 'points_balance', 'coupons_count', 'order_latest_status'];

/** The sample subscriber the phone fills `{{fields}}` from. */
function SampleEditor({ sample, onChange }: { sample: SampleSubscriber; onChange: (sample: SampleSubscriber) => void }) {
  const { t } = useTranslation();
  return (
    <details className="dz-sample">
      <summary>{t('designer.sample.title')}</summary>
      <p className="muted dz-hint">{t('designer.sample.hint')}</p>
      {SAMPLE_FIELDS.map((key) => (
        <div className="field dz-field" key={key}>
          <label htmlFor={`dz-sample-${key}`}>{t(`designer.sample.${key}`)}</label>
          <input id={`dz-sample-${key}`} type="text" value={sample[key]} onChange={(e) => onChange({ ...sample, [key]: e.target.value })} />
        </div>
      ))}
    </details>
  );
}
