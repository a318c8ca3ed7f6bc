import { DndContext, DragOverlay } from '@dnd-kit/core';
import { useCallback, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asAppError, describeError } from '../../kit/errors';
import {
  exportLayoutFile,
  importLayoutFile,
  pickOpenPath,
  pickSavePath,
  publishLayout,
  type AccountListItem,
  type CatalogEntry,
  type LayoutTemplate,
  type TemplateField,
} from '../../platform';
import type { Issue, Layout, Menu, ModuleKind } from '../../shared/model';
import { Banners } from './Banners';
import { Canvas, type CanvasHandle, type DeviceId, type PhoneView } from './Canvas';
import { CanvasBar } from './CanvasBar';
import { moduleOfKind } from './catalog';
import { useDesignerDndAccessibility } from './dndAccessibility';
import { Inspector } from './Inspector';
import { MenuEditor } from './MenuEditor';
import { Outline, type OutlineHandle } from './Outline';
import { PagesEditor } from './Pages';
import { KindIcon, Palette } from './Palette';
import { SampleEditor } from './SampleEditor';
import { freshPageId, initialState, placeAfter, readOnlyReducer, reducer } from './state';
import { DesignerToolbar } from './Toolbar';
import { moduleOfIssue } from './issues';
import { listAt, locate, type Slot } from './tree';
import { EMPTY_LAYOUT, useAutosave } from './useAutosave';
import { designerKeyHandler } from './useDesignerKeys';
import { useDragDrop } from './useDragDrop';
import { WorkspaceDialogs, type DialogName } from './WorkspaceDialogs';

type Props = {
  account: AccountListItem;
  accounts: AccountListItem[];
  onAccount: (id: string) => void;
  catalog: CatalogEntry[];
  templates: LayoutTemplate[];
  fields: TemplateField[];
  readOnly: boolean;
};

/** One account's layout: palette and outline, the phone, the inspector; saved as it is edited. */
export function Workspace({ account, accounts, onAccount, catalog, templates, fields, readOnly }: Props) {
  const { t } = useTranslation();
  const accountId = account.account.id;
  const [state, dispatch] = useReducer(readOnly ? readOnlyReducer : reducer, EMPTY_LAYOUT, initialState);
  const [notice, setNotice] = useState<string | null>(null);
  // News that is not a failure (a colleague's newer layout shown).
  const [info, setInfo] = useState<string | null>(null);
  // The page picked to show; a page undone away falls back to home (`page` below).
  const [pagePicked, setPage] = useState<string | null>(null);
  const [device, setDevice] = useState<DeviceId>('small');
  const [view, setView] = useState<PhoneView>('function');
  const [dialog, setDialog] = useState<DialogName>(null);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [publishIssues, setPublishIssues] = useState<Issue[]>([]);
  const [publishing, setPublishing] = useState(false);
  const canvasRef = useRef<CanvasHandle>(null);
  const outlineRef = useRef<OutlineHandle>(null);

  const onConflict = useCallback((force: boolean) => setDialog((d) => (force ? 'conflict' : (d ?? 'conflict'))), []);
  const saves = useAutosave({ accountId, state, dispatch, onConflict, onNotice: setNotice, onInfo: setInfo });
  const { draft, sample, applyDraft } = saves;

  const layout = state.layout;
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
  const addKind = useCallback(
    (entry: CatalogEntry) =>
      dispatch({ type: 'insert', modules: [moduleOfKind(entry.kind, entry.sample)], at: insertPlaceRef.current() }),
    [],
  );
  const select = useCallback((id: string | null) => dispatch({ type: 'select', id }), []);
  const moveBy = useCallback((id: string, delta: -1 | 1) => dispatch({ type: 'move_by', id, delta }), []);
  const duplicate = useCallback((id: string) => dispatch({ type: 'duplicate', id }), []);
  const remove = useCallback((id: string) => dispatch({ type: 'remove', id }), []);
  const endTyping = useCallback(() => dispatch({ type: 'end_typing' }), []);
  const onProps = useCallback(
    (props: ModuleKind, field: string) => {
      if (state.selected !== null) dispatch({ type: 'set_props', id: state.selected, props, field, now: Date.now() });
    },
    [state.selected],
  );
  const onMenu = useCallback(
    (menu: Menu, field: string) => dispatch({ type: 'set_menu', menu, field, now: Date.now() }),
    [],
  );
  const addPage = () => {
    const id = freshPageId(layout);
    dispatch({ type: 'add_page', id, title: t('designer.pages.newTitle', { n: layout.pages.length + 1 }) });
    setPage(id);
  };
  const renamePage = useCallback(
    (id: string, title: string) => dispatch({ type: 'rename_page', id, title, now: Date.now() }),
    [],
  );
  const removePage = useCallback((id: string) => dispatch({ type: 'remove_page', id }), []);

  const onKeyDown = designerKeyHandler({
    dialogOpen: dialog !== null,
    selectedId: state.selected,
    selectedModule: selected?.module ?? null,
    insertPlace,
    dispatch,
    onCopied: () => setNotice(null),
  });
  const drag = useDragDrop({
    layout,
    root: { slot: rootSlot, count: rootModules.length },
    canvasRef,
    outlineRef,
    dispatch,
  });
  const dndAccessibility = useDesignerDndAccessibility(saves.current);

  // Publish, files, templates, conflicts.
  const publish = () => {
    setPublishing(true);
    saves
      .flush()
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
    pickSavePath(`${account.account.name || 'layout'}.wicket-layout.json`, [
      { name: t('designer.file.filter'), extensions: ['json'] },
    ])
      .then((path) => (path === null ? null : exportLayoutFile(path, layout)))
      .then(
        (done) => {
          if (done !== null) setNotice(null);
        },
        (e: unknown) => setNotice(t('designer.file.exportFailed', { reason: describeError(t, asAppError(e)) })),
      );
  };

  const resolve = (chosen: Layout) => {
    saves.resolve(chosen).then(
      () => setDialog(null),
      (e: unknown) => setNotice(describeError(t, asAppError(e))),
    );
  };

  const goToIssue = (issue: Issue) => {
    setDialog(null);
    const found = moduleOfIssue(layout, issue);
    if (found?.page !== undefined) setPage(found.page);
    dispatch({ type: 'select', id: found?.id ?? null });
  };

  if (saves.loadError) {
    return (
      <p className="form-error" role="alert" data-testid="designer-load-error">
        {t('designer.loadFailed', { reason: saves.loadError })}
      </p>
    );
  }

  return (
    <div className="dz" data-testid="designer" tabIndex={-1} onKeyDown={onKeyDown}>
      <DesignerToolbar
        accountId={accountId}
        accounts={accounts}
        platform={platform}
        draft={draft}
        issues={issues}
        saving={saves.saving}
        publishing={publishing}
        readOnly={readOnly}
        canUndo={state.past.length > 0}
        canRedo={state.future.length > 0}
        actions={[
          {
            id: 'templates',
            label: t('designer.templates.open'),
            onClick: () => setDialog('templates'),
            disabled: readOnly,
          },
          { id: 'import-file', label: t('designer.file.import'), onClick: importFile, disabled: readOnly },
          { id: 'export-file', label: t('designer.file.export'), onClick: exportFile },
          {
            id: 'history',
            label: t('designer.history.open'),
            onClick: () => setHistoryOpen((o) => !o),
            expanded: historyOpen,
          },
        ]}
        onAccount={onAccount}
        onUndo={() => dispatch({ type: 'undo' })}
        onRedo={() => dispatch({ type: 'redo' })}
        onIssues={() => setDialog('issues')}
        onPublish={publish}
      />
      <Banners
        accountId={accountId}
        platform={platform}
        draft={draft}
        readOnly={readOnly}
        info={info}
        notice={notice}
        onAlipayImport={readOnly ? null : () => setDialog('alipayImport')}
        onReviewConflict={() => setDialog('conflict')}
        onDismissInfo={() => setInfo(null)}
        onDismissNotice={() => setNotice(null)}
      />

      <DndContext
        sensors={drag.sensors}
        accessibility={dndAccessibility}
        collisionDetection={drag.collision}
        {...drag.handlers}
      >
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
              indicator={drag.outlineIndicator}
              onSelect={select}
              onMoveBy={moveBy}
              onRemove={remove}
            />
          </div>
          <div className="dz-center">
            <CanvasBar
              pages={layout.pages}
              page={page}
              device={device}
              view={view}
              onPage={setPage}
              onDevice={setDevice}
              onView={setView}
            />
            <Canvas
              ref={canvasRef}
              layout={layout}
              page={page}
              onPage={setPage}
              sample={sample}
              issues={issues}
              selected={state.selected}
              onSelect={select}
              indicator={drag.canvasIndicator}
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
              <Inspector
                key={selected.module.id}
                module={selected.module}
                path={selected.path}
                issues={issues}
                pages={layout.pages}
                templateFields={fields}
                onChange={onProps}
                onEndTyping={endTyping}
              />
            ) : (
              <MenuEditor
                menu={layout.menu}
                platform={platform}
                issues={issues}
                pages={layout.pages}
                onChange={onMenu}
                onEndTyping={endTyping}
                onExport={() => setDialog('exportMenu')}
                onImport={() => setDialog('importMenu')}
              >
                <PagesEditor
                  pages={layout.pages}
                  issues={issues}
                  shown={page}
                  onShow={setPage}
                  onAdd={addPage}
                  onRename={renamePage}
                  onRemove={removePage}
                  onEndTyping={endTyping}
                />
                <SampleEditor sample={sample} onChange={saves.setSample} />
              </MenuEditor>
            )}
          </div>
        </div>
        <DragOverlay dropAnimation={null}>
          {drag.dragging && (
            <div className="dz-drag-chip">
              <KindIcon kind={drag.dragging.kind} />
              {drag.dragging.label}
            </div>
          )}
        </DragOverlay>
      </DndContext>

      <WorkspaceDialogs
        dialog={dialog}
        historyOpen={historyOpen}
        accountId={accountId}
        platform={platform}
        layout={layout}
        draft={draft}
        sample={sample}
        templates={templates}
        issues={issues}
        publishIssues={publishIssues}
        dispatch={dispatch}
        onPage={setPage}
        onClose={() => setDialog(null)}
        onCloseHistory={() => setHistoryOpen(false)}
        onRolledBack={() => {
          setHistoryOpen(false);
          void saves.reread();
        }}
        onResolve={resolve}
        onGoToIssue={goToIssue}
      />
    </div>
  );
}
