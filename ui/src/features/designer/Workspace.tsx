import { DndContext, DragOverlay } from '@dnd-kit/core';
import { useCallback, useMemo, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asAppError, describeError } from '../../kit/errors';
import type { AccountListItem, CatalogEntry, LayoutTemplate, TemplateField } from '../../platform';
import type { Issue, Layout } from '../../shared/model';
import { Banners } from './Banners';
import { Canvas, type CanvasHandle, type DeviceId, type PhoneView } from './Canvas';
import { CanvasBar } from './CanvasBar';
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
import { useLayoutActions } from './useLayoutActions';
import { useLayoutFiles } from './useLayoutFiles';
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

  const edit = useLayoutActions(dispatch, state.selected, insertPlace);
  const addPage = () => {
    const id = freshPageId(layout);
    dispatch({ type: 'add_page', id, title: t('designer.pages.newTitle', { n: layout.pages.length + 1 }) });
    setPage(id);
  };

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

  const files = useLayoutFiles({
    accountId,
    accountName: account.account.name,
    layout,
    dispatch,
    flush: saves.flush,
    applyDraft,
    onNotice: setNotice,
    onPublishIssues: (found) => {
      setPublishIssues(found);
      setDialog('publishIssues');
    },
  });

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
        publishing={files.publishing}
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
          { id: 'import-file', label: t('designer.file.import'), onClick: files.importFile, disabled: readOnly },
          { id: 'export-file', label: t('designer.file.export'), onClick: files.exportFile },
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
        onPublish={files.publish}
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
            <Palette catalog={catalog} onAdd={edit.addKind} />
            <Outline
              ref={outlineRef}
              modules={rootModules}
              root={rootSlot}
              rootPath={rootPath}
              selected={state.selected}
              issues={issues}
              indicator={drag.outlineIndicator}
              onSelect={edit.select}
              onMoveBy={edit.moveBy}
              onRemove={edit.remove}
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
              onSelect={edit.select}
              indicator={drag.canvasIndicator}
              device={device}
              view={view}
              onView={setView}
              accountName={account.account.name}
              onMoveBy={edit.moveBy}
              onDuplicate={edit.duplicate}
              onRemove={edit.remove}
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
                onChange={edit.setProps}
                onEndTyping={edit.endTyping}
              />
            ) : (
              <MenuEditor
                menu={layout.menu}
                platform={platform}
                issues={issues}
                pages={layout.pages}
                onChange={edit.setMenu}
                onEndTyping={edit.endTyping}
                onExport={() => setDialog('exportMenu')}
                onImport={() => setDialog('importMenu')}
              >
                <PagesEditor
                  pages={layout.pages}
                  issues={issues}
                  shown={page}
                  onShow={setPage}
                  onAdd={addPage}
                  onRename={edit.renamePage}
                  onRemove={edit.removePage}
                  onEndTyping={edit.endTyping}
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
