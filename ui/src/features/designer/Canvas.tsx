import { useDraggable, useDroppable } from '@dnd-kit/core';
import { forwardRef, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BottomMenu, ChatBubble, FunctionView, PhoneFrame } from '../../renderer';
import type { Action, Issue, Layout, SampleSubscriber } from '../../shared/model';
import type { Box, CanvasGeometry, CanvasModule, Indicator } from './drop';
import { childLists, walk, type Located, type Slot } from './tree';

export const DEVICES = {
  small: { width: 360, height: 640 },
  large: { width: 414, height: 896 },
} as const;
export type DeviceId = keyof typeof DEVICES;
export type PhoneView = 'function' | 'chat';

export interface CanvasHandle {
  /** What is on the phone now, in the screen's own CSS px. */
  measure: () => CanvasGeometry | null;
  /** A client point in the screen's own CSS px. */
  toScreen: (x: number, y: number) => { x: number; y: number } | null;
}

type Props = {
  layout: Layout;
  page: string | null;
  onPage: (page: string | null) => void;
  sample: SampleSubscriber;
  issues: Issue[];
  selected: string | null;
  onSelect: (id: string | null) => void;
  indicator: Indicator | null;
  device: DeviceId;
  view: PhoneView;
  onView: (view: PhoneView) => void;
  accountName: string;
  onMoveBy: (id: string, delta: -1 | 1) => void;
  onDuplicate: (id: string) => void;
  onRemove: (id: string) => void;
};

const toBox = (r: DOMRect, origin: DOMRect, scale: number): Box => ({
  top: (r.top - origin.top) / scale,
  bottom: (r.bottom - origin.top) / scale,
  left: (r.left - origin.left) / scale,
  right: (r.right - origin.left) / scale,
});

const cssEscape = (text: string) =>
  typeof CSS !== 'undefined' && typeof CSS.escape === 'function' ? CSS.escape(text) : text.replace(/["\\]/g, '\\$&');

/** What a tap would do, in words. */
export function describeAction(
  t: (key: string, options?: Record<string, unknown>) => string,
  action: Action,
  label: string,
  pageTitle: (id: string) => string | null,
): string {
  switch (action.type) {
    case 'open_url':
      return t('designer.toast.openUrl', { url: action.url });
    case 'send_keyword':
      return t('designer.toast.keyword', { keyword: action.keyword });
    case 'call':
      return t('designer.toast.call', { phone: action.phone });
    case 'map':
      return t('designer.toast.map', { name: action.name });
    case 'pay':
      return t('designer.toast.pay', { amount: action.amount_template, description: action.description });
    case 'open_conversation':
      return t('designer.toast.chat');
    case 'open_page':
      return t('designer.toast.page', { page: pageTitle(action.page_id) ?? action.page_id, label });
    // WeChat's own buttons: WeChat does the work, a preview can only say what.
    case 'wechat_event':
      return t(`designer.toast.event.${action.event}`, { key: action.key });
    case 'mini_program':
      return t('designer.toast.miniProgram', { appid: action.appid, pagepath: action.pagepath });
    case 'send_media':
      return t('designer.toast.sendMedia', { id: action.media_id });
    case 'open_media':
      return t('designer.toast.openMedia', { id: action.media_id });
    case 'send_article':
      return t('designer.toast.sendArticle', { id: action.article_id });
    case 'open_article':
      return t('designer.toast.openArticle', { id: action.article_id });
  }
}

/** The phone mock: the shared renderer at the device's CSS width, scaled to fit, with selection and drop indicators. */
export const Canvas = forwardRef<CanvasHandle, Props>(function Canvas(props, ref) {
  const {
    layout,
    page,
    onPage,
    sample,
    issues,
    selected,
    onSelect,
    indicator,
    device,
    view,
    onView,
    accountName,
    onMoveBy,
    onDuplicate,
    onRemove,
  } = props;
  const { t } = useTranslation();
  const size = DEVICES[device];
  const stageRef = useRef<HTMLDivElement | null>(null);
  const contentRef = useRef<HTMLDivElement | null>(null);
  const [scale, setScale] = useState(1);
  const [toast, setToast] = useState<string | null>(null);
  const [sent, setSent] = useState<string[]>([]);
  const [selBox, setSelBox] = useState<Box | null>(null);
  const { setNodeRef: setDropRef } = useDroppable({ id: 'canvas' });

  // Fit the phone (frame included) into the stage.
  useEffect(() => {
    const stage = stageRef.current;
    if (!stage || typeof ResizeObserver === 'undefined') return undefined;
    const fit = () => {
      const available = stage.clientHeight - 24;
      const widthRoom = stage.clientWidth - 24;
      const next = Math.min(1, available / (size.height + 28), widthRoom / (size.width + 28));
      setScale(next > 0.3 ? next : 0.3);
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(stage);
    return () => observer.disconnect();
  }, [size.height, size.width]);

  useEffect(() => {
    if (toast === null) return undefined;
    const id = setTimeout(() => setToast(null), 3500);
    return () => clearTimeout(id);
  }, [toast]);

  const pages = layout.pages;

  const onAction = useCallback(
    (action: Action, label: string) => {
      setToast(describeAction(t, action, label, (id) => pages.find((p) => p.id === id)?.title ?? null));
      if (action.type === 'open_page') onPage(action.page_id);
      if (action.type === 'open_conversation') onView('chat');
      if (action.type === 'send_keyword') setSent((list) => [...list.slice(-5), action.keyword]);
    },
    [t, onPage, onView, pages],
  );
  const onMenuAction = useCallback((action: Action, label: string) => onAction(action, label), [onAction]);
  const onBack = useCallback(() => onPage(null), [onPage]);

  useImperativeHandle(
    ref,
    () => ({
      toScreen: (x, y) => {
        const content = contentRef.current;
        if (!content) return null;
        const r = content.getBoundingClientRect();
        return { x: (x - r.left) / scale, y: (y - r.top) / scale };
      },
      measure: () => {
        const content = contentRef.current;
        if (!content || view !== 'function') return null;
        // Built here (a drag measures), not on every edit.
        const located = new Map<string, Located>();
        walk(layout, (at) => {
          located.set(at.module.id, at);
        });
        const origin = content.getBoundingClientRect();
        const modules: CanvasModule[] = [];
        content.querySelectorAll<HTMLElement>('[data-module-id]').forEach((node) => {
          const at = located.get(node.dataset.moduleId ?? '');
          if (!at) return;
          const entry: CanvasModule = {
            id: at.module.id,
            slot: at.slot,
            index: at.index,
            box: toBox(node.getBoundingClientRect(), origin, scale),
            inner: null,
          };
          const lists = childLists(at.module);
          if (at.module.props.kind === 'group') {
            const body = node.querySelector<HTMLElement>(':scope > .wk-group > .wk-group-body');
            if (body)
              entry.inner = {
                slot: lists[0]!.slot,
                box: toBox(body.getBoundingClientRect(), origin, scale),
                count: lists[0]!.modules.length,
              };
          } else if (at.module.props.kind === 'tabs') {
            const buttons = Array.from(
              node.querySelectorAll<HTMLElement>(':scope > .wk-tabs > .wk-tab-bar > [role="tab"]'),
            );
            const active = Math.max(
              0,
              buttons.findIndex((b) => b.getAttribute('aria-selected') === 'true'),
            );
            const panel = node.querySelector<HTMLElement>(':scope > .wk-tabs > .wk-tab-panel');
            const list = lists[active];
            if (panel && list)
              entry.inner = {
                slot: list.slot,
                box: toBox(panel.getBoundingClientRect(), origin, scale),
                count: list.modules.length,
              };
            entry.tabButtons = buttons.flatMap((button, i) => {
              const tabList = lists[i];
              return tabList
                ? [
                    {
                      slot: tabList.slot,
                      box: toBox(button.getBoundingClientRect(), origin, scale),
                      count: tabList.modules.length,
                    },
                  ]
                : [];
            });
          }
          modules.push(entry);
        });
        const rootSlot: Slot = { parent: null, page };
        const count =
          page === null ? layout.modules.length : (layout.pages.find((p) => p.id === page)?.modules.length ?? 0);
        return {
          root: {
            slot: rootSlot,
            box: { top: 0, left: 0, right: origin.width / scale, bottom: origin.height / scale },
            count,
          },
          modules,
        };
      },
    }),
    [layout, page, scale, view],
  );

  // The selected module's box, for its outline and its tools. The tools sit
  // inside that box (its top right corner): above it they would cover the
  // module before it, below it the one after.
  useLayoutEffect(() => {
    const content = contentRef.current;
    if (!content || selected === null || view !== 'function') {
      setSelBox(null);
      return;
    }
    const node = content.querySelector<HTMLElement>(`[data-module-id="${cssEscape(selected)}"]`);
    const next = node ? toBox(node.getBoundingClientRect(), content.getBoundingClientRect(), scale) : null;
    // The same box (an edit that moved nothing): no second render of the phone.
    setSelBox((prev) =>
      prev &&
      next &&
      prev.top === next.top &&
      prev.bottom === next.bottom &&
      prev.left === next.left &&
      prev.right === next.right
        ? prev
        : next,
    );
  }, [layout, selected, page, view, scale, device]);

  const emptyLabel = JSON.stringify(t('designer.canvas.dropHere'));

  return (
    <div className="dz-stage" ref={stageRef} data-testid="canvas">
      <PhoneFrame
        width={size.width}
        height={size.height}
        scale={scale}
        title={accountName}
        data-testid="phone"
        data-device={device}
        data-view={view}
        titleAction={
          <button
            type="button"
            className="dz-view-switch"
            onClick={() => onView(view === 'function' ? 'chat' : 'function')}
            data-testid="view-switch"
            aria-label={view === 'function' ? t('designer.canvas.toChat') : t('designer.canvas.toFunction')}
            title={view === 'function' ? t('designer.canvas.toChat') : t('designer.canvas.toFunction')}
          >
            <svg
              viewBox="0 0 24 24"
              width="20"
              height="20"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.6"
              aria-hidden="true"
            >
              {/* A speech bubble to switch to the chat, a grid back to the function view. */}
              <path
                d={view === 'function' ? 'M4 5h16v11H9l-5 4z' : 'M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z'}
              />
            </svg>
          </button>
        }
      >
        <div className="dz-scroll">
          {view === 'function' ? (
            <div
              ref={(node) => {
                contentRef.current = node;
                setDropRef(node);
              }}
              className={`dz-content${indicator ? ' is-dropping' : ''}`}
              style={{ ['--dz-drop-label' as string]: emptyLabel }}
              onClickCapture={(e) => {
                // The selection's own tools act on it: a click there keeps it.
                if (e.target instanceof Element && e.target.closest('.dz-tools')) return;
                const target = e.target instanceof Element ? e.target.closest('[data-module-id]') : null;
                onSelect(target instanceof HTMLElement ? (target.dataset.moduleId ?? null) : null);
              }}
            >
              <FunctionView
                layout={layout}
                sample={sample}
                page={page}
                onAction={onAction}
                issues={issues}
                onBack={onBack}
              />
              {selBox && (
                <div
                  className="dz-selection"
                  style={{
                    top: selBox.top - 2,
                    left: selBox.left - 2,
                    width: selBox.right - selBox.left + 4,
                    height: selBox.bottom - selBox.top + 4,
                  }}
                  data-testid="selection-box"
                  aria-hidden="true"
                />
              )}
              {selBox && selected !== null && (
                <SelectionTools
                  id={selected}
                  top={selBox.top + 4}
                  right={size.width - selBox.right + 4}
                  onMoveBy={onMoveBy}
                  onDuplicate={onDuplicate}
                  onRemove={onRemove}
                />
              )}
              {indicator &&
                (indicator.kind === 'line' ? (
                  <div
                    className={`dz-indicator-line${indicator.inside ? ' is-inside' : ''}`}
                    style={{
                      top: indicator.top - 1,
                      left: indicator.left,
                      width: indicator.right - indicator.left,
                    }}
                    data-testid="drop-indicator"
                  />
                ) : (
                  <div
                    className="dz-indicator-box"
                    style={{
                      top: indicator.box.top,
                      left: indicator.box.left,
                      width: indicator.box.right - indicator.box.left,
                      height: indicator.box.bottom - indicator.box.top,
                    }}
                    data-testid="drop-indicator"
                  />
                ))}
            </div>
          ) : (
            <ChatSample sent={sent} />
          )}
        </div>
        <BottomMenu menu={layout.menu} onAction={onMenuAction} sample={sample} issues={issues} />
        {toast && (
          <div className="dz-toast" role="status" data-testid="toast">
            {toast}
          </div>
        )}
      </PhoneFrame>
    </div>
  );
});

function SelectionTools({
  id,
  top,
  right,
  onMoveBy,
  onDuplicate,
  onRemove,
}: {
  id: string;
  top: number;
  right: number;
  onMoveBy: (id: string, delta: -1 | 1) => void;
  onDuplicate: (id: string) => void;
  onRemove: (id: string) => void;
}) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef } = useDraggable({ id: `canvas:${id}`, data: { type: 'module', id } });
  const tools = [
    { label: t('designer.actions.moveUp'), glyph: '↑', onClick: () => onMoveBy(id, -1) },
    { label: t('designer.actions.moveDown'), glyph: '↓', onClick: () => onMoveBy(id, 1) },
    { label: t('designer.actions.duplicate'), glyph: '⧉', onClick: () => onDuplicate(id) },
    { label: t('designer.actions.remove'), glyph: '✕', onClick: () => onRemove(id), danger: true },
  ];
  return (
    <div className="dz-tools" style={{ top, right }} data-testid="selection-tools" onClick={(e) => e.stopPropagation()}>
      <button
        type="button"
        ref={setNodeRef}
        className="dz-tool dz-grip"
        {...attributes}
        {...listeners}
        aria-label={t('designer.canvas.drag')}
        title={t('designer.canvas.drag')}
        data-testid="drag-handle"
      >
        <svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true">
          <path d="M4 2h1v1H4zM7 2h1v1H7zM4 5.5h1v1H4zM7 5.5h1v1H7zM4 9h1v1H4zM7 9h1v1H7z" fill="currentColor" />
        </svg>
      </button>
      {tools.map((tool) => (
        <button
          key={tool.glyph}
          type="button"
          className={tool.danger ? 'dz-tool dz-tool-danger' : 'dz-tool'}
          onClick={tool.onClick}
          aria-label={tool.label}
          title={tool.label}
        >
          {tool.glyph}
        </button>
      ))}
    </div>
  );
}

/** The conversation view: a sample thread, and what the menu would send. */
function ChatSample({ sent }: { sent: string[] }) {
  const { t } = useTranslation();
  return (
    <div className="dz-chat" data-testid="chat-sample">
      <p className="dz-chat-time">{t('designer.chat.time')}</p>
      <ChatBubble side="them" body={{ type: 'text', text: t('designer.chat.welcome') }} />
      <ChatBubble side="me" body={{ type: 'text', text: t('designer.chat.question') }} />
      <ChatBubble side="them" body={{ type: 'text', text: t('designer.chat.answer') }} />
      {sent.map((keyword, i) => (
        <ChatBubble key={i} side="me" body={{ type: 'text', text: keyword }} />
      ))}
    </div>
  );
}
