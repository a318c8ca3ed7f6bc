import { useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '../../kit/useQuery';
import { Dialog } from '../../kit/Dialog';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import {
  exportMenu,
  exportMenuFile,
  importWechatMenu,
  layoutVersion,
  layoutVersions,
  pickSavePath,
  rollbackLayout,
  type DesignerDraft,
  type LayoutTemplate,
  type LayoutVersion,
  type PlatformProfile,
} from '../../platform';
import { BottomMenu, FunctionView } from '../../renderer';
import type { Issue, Layout, Menu, SampleSubscriber } from '../../shared/model';
import { conflictingModules, diffLayouts, mergeLayouts, type Change, type Side } from './diff';

function Frame({ id, title, onClose, children, footer, testId, wide }: { id: string; title: string; onClose: () => void; children: ReactNode; footer: ReactNode; testId: string; wide?: boolean }) {
  const { t } = useTranslation();
  return (
    <Dialog labelledBy={id} onClose={onClose} testId={testId}>
      <div className={wide ? 'dz-dialog-wide' : undefined}>
        <div className="dialog-header">
          <h2 id={id}>{title}</h2>
          <button type="button" className="btn btn-ghost btn-small" onClick={onClose} aria-label={t('designer.dialog.close')}>
            ✕
          </button>
        </div>
        <div className="dialog-body">{children}</div>
        <div className="dialog-footer">{footer}</div>
      </div>
    </Dialog>
  );
}

export function templateName(template: LayoutTemplate, language: string): { name: string; description: string } {
  const zh = language.startsWith('zh');
  return { name: zh ? template.name.zh_cn : template.name.en, description: zh ? template.description.zh_cn : template.description.en };
}

/** Start from an industry template; replacing a layout that has content asks first. */
export function TemplatesDialog({ templates, hasContent, onPick, onClose }: { templates: LayoutTemplate[]; hasContent: boolean; onPick: (layout: Layout) => void; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [chosen, setChosen] = useState<LayoutTemplate | null>(null);
  const pick = (template: LayoutTemplate) => {
    if (hasContent) setChosen(template);
    else onPick(structuredClone(template.layout));
  };
  return (
    <Frame
      id="dz-templates-title"
      title={t('designer.templates.title')}
      onClose={onClose}
      testId="templates-dialog"
      footer={
        chosen ? (
          <>
            <button type="button" className="btn" onClick={() => setChosen(null)}>
              {t('designer.dialog.cancel')}
            </button>
            <button type="button" className="btn btn-primary" onClick={() => onPick(structuredClone(chosen.layout))} data-testid="template-confirm">
              {t('designer.templates.replace')}
            </button>
          </>
        ) : (
          <button type="button" className="btn" onClick={onClose}>
            {t('designer.dialog.cancel')}
          </button>
        )
      }
    >
      {chosen ? (
        <p role="alert" data-testid="template-confirm-text">
          {t('designer.templates.confirm', { name: templateName(chosen, i18n.language).name })}
        </p>
      ) : (
        <ul className="dz-template-list">
          {templates.map((template) => {
            const { name, description } = templateName(template, i18n.language);
            return (
              <li key={template.id}>
                <button type="button" className="dz-template" onClick={() => pick(template)} data-testid="template-item">
                  <span className="dz-template-name">{name}</span>
                  <span className="muted">{description}</span>
                  <span className="dz-template-meta">{t('designer.templates.meta', { modules: template.layout.modules.length, menu: template.layout.menu.items.length })}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </Frame>
  );
}

/** The menu as WeChat's or Alipay's API takes it: copy it or save it. */
export function ExportMenuDialog({ layout, platform, onClose }: { layout: Layout; platform: PlatformProfile; onClose: () => void }) {
  const { t } = useTranslation();
  const [target, setTarget] = useState<PlatformProfile>(platform);
  const [json, setJson] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [savedTo, setSavedTo] = useState<string | null>(null);
  useQuery(() => exportMenu(layout, target), [layout, target], {
    onData: (text) => {
      // Another platform's file: what was saved before no longer applies.
      setSavedTo(null);
      setJson(text);
      setError(null);
    },
    onError: (e) => {
      setJson(null);
      setError(describeError(t, asAppError(e)));
    },
  });
  // The native save dialog, then the core writes the file whole: a webview
  // download would land nowhere a merchant's staff could find it.
  const save = () => {
    if (json === null) return;
    pickSavePath(`menu-${target}.json`, [{ name: t('designer.exportMenu.filter'), extensions: ['json'] }])
      .then((path) => (path === null ? null : exportMenuFile(path, layout, target).then(() => path)))
      .then(
        (path) => {
          if (path === null) return;
          setError(null);
          setSavedTo(path);
        },
        (e: unknown) => {
          setSavedTo(null);
          setError(t('designer.exportMenu.saveFailed', { reason: describeError(t, asAppError(e)) }));
        },
      );
  };
  return (
    <Frame
      id="dz-export-menu-title"
      title={t('designer.exportMenu.title')}
      onClose={onClose}
      testId="export-menu-dialog"
      footer={
        <>
          <button type="button" className="btn" disabled={json === null} onClick={save} data-testid="export-menu-save">
            {t('designer.exportMenu.save')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={json === null}
            onClick={() => {
              if (json !== null) navigator.clipboard?.writeText(json).then(() => setCopied(true), () => setCopied(false));
            }}
          >
            {copied ? t('designer.exportMenu.copied') : t('designer.exportMenu.copy')}
          </button>
        </>
      }
    >
      <div className="dz-segmented" role="radiogroup" aria-label={t('designer.exportMenu.platform')}>
        {(['wechat', 'alipay'] as const).map((p) => (
          <label key={p} className={target === p ? 'is-on' : ''}>
            <input type="radio" name="export-platform" checked={target === p} onChange={() => setTarget(p)} />
            {t(`platform.${p}`)}
          </label>
        ))}
      </div>
      <p className="muted dz-hint">{t(`designer.exportMenu.hint.${target}`)}</p>
      {error && (
        <p className="form-error" role="alert" data-testid="export-menu-error">
          {error}
        </p>
      )}
      {savedTo && (
        <p className="muted dz-hint" role="status" data-testid="export-menu-saved">
          {t('designer.exportMenu.saved', { path: savedTo })}
        </p>
      )}
      <textarea className="dz-code" readOnly value={json ?? ''} aria-label={t('designer.exportMenu.json')} data-testid="export-menu-json" rows={14} />
    </Frame>
  );
}

/**
 * A WeChat menu pasted or read from a file; on an error nothing changes. When
 * the core left something out (a personalized menu's rule, fields Wicket does
 * not keep), the dialog says what before the menu is used.
 */
export function ImportMenuDialog({
  onImport,
  onClose,
  onLive,
}: {
  onImport: (menu: Menu) => void;
  onClose: () => void;
  /** Reads the account's live menu from its platform (WeChat accounts only). */
  onLive?: () => Promise<{ menu: Menu; notices: Issue[] }>;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [read, setRead] = useState<{ menu: Menu; notices: Issue[] } | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const run = (read: () => Promise<{ menu: Menu; notices: Issue[] }> = () => importWechatMenu(text)) => {
    setBusy(true);
    setError(null);
    setRead(null);
    read().then(
      ({ menu, notices }) => {
        setBusy(false);
        if (notices.length === 0) onImport(menu);
        else setRead({ menu, notices });
      },
      (e: unknown) => {
        setBusy(false);
        setError(describeError(t, asAppError(e)));
      },
    );
  };
  const edit = (next: string) => {
    setText(next);
    setRead(null);
  };
  return (
    <Frame
      id="dz-import-menu-title"
      title={t('designer.importMenu.title')}
      onClose={onClose}
      testId="import-menu-dialog"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('designer.dialog.cancel')}
          </button>
          {read ? (
            <button type="button" className="btn btn-primary" onClick={() => onImport(read.menu)} data-testid="import-menu-use">
              {t('designer.importMenu.use')}
            </button>
          ) : (
            <button type="button" className="btn btn-primary" disabled={busy || text.trim() === ''} onClick={() => run()} data-testid="import-menu-run">
              {t('designer.importMenu.run')}
            </button>
          )}
        </>
      }
    >
      <p className="muted dz-hint">{t('designer.importMenu.hint')}</p>
      {onLive && (
        <div className="field">
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => run(onLive)} data-testid="import-menu-live">
            {busy ? t('designer.wechatMenu.liveBusy') : t('designer.wechatMenu.live')}
          </button>
        </div>
      )}
      <div className="field dz-file-field" role="group" aria-labelledby="dz-import-file-label">
        <span id="dz-import-file-label" className="dz-file-label">
          {t('designer.importMenu.file')}
        </span>
        {/* The webview's own file input speaks its own language ("Choose File"): it stays hidden, driven by a translated button. */}
        <div className="dz-file-picker">
          <button type="button" className="btn btn-small" onClick={() => fileInput.current?.click()} aria-describedby="dz-import-file-name" data-testid="import-menu-choose">
            {t('designer.importMenu.choose')}
          </button>
          <span id="dz-import-file-name" className={`dz-file-name${fileName ? '' : ' muted'}`} title={fileName ?? undefined} data-testid="import-menu-file-name">
            {fileName ?? t('designer.importMenu.noFile')}
          </span>
          <input
            ref={fileInput}
            type="file"
            className="visually-hidden"
            tabIndex={-1}
            aria-hidden="true"
            accept=".json,application/json"
            data-testid="import-menu-file"
            onChange={(e) => {
              const input = e.target;
              const file = input.files?.[0];
              if (!file) return;
              setFileName(file.name);
              file.text().then(edit, () => setError(t('designer.importMenu.unreadable')));
              // The same file chosen again (after an edit on disk) reads again.
              input.value = '';
            }}
          />
        </div>
      </div>
      <textarea className="dz-code" value={text} onChange={(e) => edit(e.target.value)} aria-label={t('designer.importMenu.paste')} placeholder={t('designer.importMenu.paste')} rows={12} data-testid="import-menu-text" />
      {error && (
        <p className="form-error" role="alert" data-testid="import-menu-error">
          {error}
        </p>
      )}
      {read && (
        <div className="dz-import-notices" role="status" data-testid="import-menu-notices">
          <p>{t('designer.importMenu.notices', { items: read.menu.items.length })}</p>
          <ul>
            {read.notices.map((notice, i) => (
              <li key={i} data-issue-key={notice.key}>
                {translateIssue(t, notice)}
                {notice.path && <code className="dz-import-path">{notice.path}</code>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Frame>
  );
}

export function ChangeList({ changes }: { changes: Change[] }) {
  const { t } = useTranslation();
  if (changes.length === 0) return <p className="muted">{t('designer.diff.none')}</p>;
  return (
    <ul className="dz-diff" data-testid="diff">
      {changes.map((c, i) => (
        <li key={i} className={`dz-diff-${c.change}`}>
          <span className="dz-diff-mark">{t(`designer.diff.${c.change}`)}</span>
          {c.what === 'module' && t('designer.diff.module', { kind: t(`designer.kind.${c.kind}.name`), id: c.id })}
          {c.what === 'menu' && t('designer.diff.menu', { label: c.label, id: c.id })}
          {c.what === 'pages' && t('designer.diff.pages')}
        </li>
      ))}
    </ul>
  );
}

/** Published versions: compare one with the draft, roll back to it. */
export function HistoryDrawer({ accountId, draft, onClose, onRolledBack }: { accountId: string; draft: Layout; onClose: () => void; onRolledBack: () => void }) {
  const { t, i18n } = useTranslation();
  const [versions, setVersions] = useState<LayoutVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<{ version: number; layout: Layout } | null>(null);
  const [confirming, setConfirming] = useState(false);
  useQuery(() => layoutVersions(accountId), [accountId], {
    onData: setVersions,
    onError: (e) => {
      const err = asAppError(e);
      setError(err.code === 'offline' ? t('designer.history.offline') : describeError(t, err));
    },
  });
  const open = (version: number) => {
    setConfirming(false);
    layoutVersion(accountId, version).then(
      (layout) => setChosen({ version, layout }),
      (e: unknown) => setError(describeError(t, asAppError(e))),
    );
  };
  const changes = useMemo(() => (chosen ? diffLayouts(chosen.layout, draft) : []), [chosen, draft]);
  const rollback = () => {
    if (!chosen) return;
    rollbackLayout(accountId, chosen.version).then(onRolledBack, (e: unknown) => {
      const err = asAppError(e);
      setError(err.code === 'offline' ? t('designer.history.offline') : describeError(t, err));
    });
  };
  return (
    <aside className="dz-drawer" role="dialog" aria-modal="false" aria-labelledby="dz-history-title" data-testid="history-drawer">
      <div className="dialog-header">
        <h2 id="dz-history-title">{t('designer.history.title')}</h2>
        <button type="button" className="btn btn-ghost btn-small" onClick={onClose} aria-label={t('designer.dialog.close')}>
          ✕
        </button>
      </div>
      <div className="dz-drawer-body">
        {error && (
          <p className="form-error" role="alert" data-testid="history-error">
            {error}
          </p>
        )}
        {versions === null && !error && <p className="muted">{t('designer.history.loading')}</p>}
        {versions !== null && versions.length === 0 && <p className="muted">{t('designer.history.empty')}</p>}
        <ul className="dz-versions">
          {versions?.map((v) => (
            <li key={v.version}>
              <button type="button" className={`dz-version${chosen?.version === v.version ? ' is-on' : ''}`} onClick={() => open(v.version)} data-testid="version-item">
                <span className="dz-version-n">{t('designer.history.version', { n: v.version })}</span>
                {v.live && <span className="badge badge-alipay">{t('designer.history.live')}</span>}
                <span className="muted">{t('designer.history.by', { name: v.published_by, when: new Date(v.published_at).toLocaleString(i18n.language) })}</span>
              </button>
            </li>
          ))}
        </ul>
        {chosen && (
          <>
            <h3 className="dz-group-title">{t('designer.history.diffTitle', { n: chosen.version })}</h3>
            <ChangeList changes={changes} />
            {confirming ? (
              <div className="dz-confirm" role="alert">
                <p>{t('designer.history.confirm', { n: chosen.version })}</p>
                <button type="button" className="btn" onClick={() => setConfirming(false)}>
                  {t('designer.dialog.cancel')}
                </button>
                <button type="button" className="btn btn-primary" onClick={rollback} data-testid="rollback-confirm">
                  {t('designer.history.rollback', { n: chosen.version })}
                </button>
              </div>
            ) : (
              <button type="button" className="btn" onClick={() => setConfirming(true)} data-testid="rollback">
                {t('designer.history.rollback', { n: chosen.version })}
              </button>
            )}
          </>
        )}
      </div>
    </aside>
  );
}

function MiniPhone({ layout, sample, label }: { layout: Layout; sample: SampleSubscriber; label: string }) {
  const noop = () => undefined;
  return (
    <figure className="dz-mini">
      <figcaption>{label}</figcaption>
      <div className="dz-mini-screen">
        <div className="dz-mini-scale">
          <FunctionView layout={layout} sample={sample} page={null} onAction={noop} />
          <BottomMenu menu={layout.menu} onAction={noop} sample={sample} />
        </div>
      </div>
    </figure>
  );
}

/** Someone else saved the draft meanwhile: both side by side, and a choice — nothing is overwritten silently. */
export function ConflictDialog({ draft, mine, sample, onResolve, onClose }: { draft: DesignerDraft; mine: Layout; sample: SampleSubscriber; onResolve: (layout: Layout) => void; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const conflict = draft.conflict!;
  const theirs = conflict.theirs;
  const ids = useMemo(() => conflictingModules(mine, theirs), [mine, theirs]);
  const [choice, setChoice] = useState<Record<string, Side>>({});
  const [menuFrom, setMenuFrom] = useState<Side>('mine');
  const merged = () => mergeLayouts(mine, theirs, (id) => choice[id] ?? 'mine', menuFrom);
  const who = conflict.updated_by ?? t('designer.conflict.someone');
  return (
    <Frame
      id="dz-conflict-title"
      title={t('designer.conflict.title')}
      onClose={onClose}
      testId="conflict-dialog"
      wide
      footer={
        <>
          <button type="button" className="btn" onClick={() => onResolve(theirs)} data-testid="take-theirs">
            {t('designer.conflict.theirs')}
          </button>
          <button type="button" className="btn" onClick={() => onResolve(merged())} data-testid="take-chosen">
            {t('designer.conflict.chosen')}
          </button>
          <button type="button" className="btn btn-primary" onClick={() => onResolve(mine)} data-testid="keep-mine">
            {t('designer.conflict.mine')}
          </button>
        </>
      }
    >
      <p>{t('designer.conflict.body', { who, when: conflict.updated_at ? new Date(conflict.updated_at).toLocaleString(i18n.language) : '' })}</p>
      <div className="dz-side-by-side">
        <MiniPhone layout={theirs} sample={sample} label={t('designer.conflict.theirsLabel', { who })} />
        <MiniPhone layout={mine} sample={sample} label={t('designer.conflict.mineLabel')} />
      </div>
      <h3 className="dz-group-title">{t('designer.conflict.perModule')}</h3>
      <ChangeList changes={diffLayouts(theirs, mine)} />
      <table className="dz-choice-table">
        <tbody>
          {ids.map((id) => (
            <tr key={id}>
              <th scope="row">{id}</th>
              {(['theirs', 'mine'] as const).map((side) => (
                <td key={side}>
                  <label>
                    <input type="radio" name={`choice-${id}`} checked={(choice[id] ?? 'mine') === side} onChange={() => setChoice((c) => ({ ...c, [id]: side }))} />{' '}
                    {t(`designer.conflict.${side}Short`)}
                  </label>
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row">{t('designer.conflict.menu')}</th>
            {(['theirs', 'mine'] as const).map((side) => (
              <td key={side}>
                <label>
                  <input type="radio" name="choice-menu" checked={menuFrom === side} onChange={() => setMenuFrom(side)} /> {t(`designer.conflict.${side}Short`)}
                </label>
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </Frame>
  );
}

/** What publishing refused (or what the draft has): each issue, and a way to the module it names. */
export function IssuesDialog({ title, issues, onGo, onClose }: { title: string; issues: Issue[]; onGo: (issue: Issue) => void; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Frame
      id="dz-issues-title"
      title={title}
      onClose={onClose}
      testId="issues-dialog"
      footer={
        <button type="button" className="btn" onClick={onClose}>
          {t('designer.dialog.close')}
        </button>
      }
    >
      {issues.length === 0 ? (
        <p className="muted">{t('designer.issues.none')}</p>
      ) : (
        <ul className="dz-issue-list">
          {issues.map((issue, i) => (
            <li key={i}>
              <button type="button" className="btn btn-link" onClick={() => onGo(issue)}>
                {translateIssue(t, issue)}
              </button>
              <code className="dz-issue-path">{issue.path}</code>
            </li>
          ))}
        </ul>
      )}
    </Frame>
  );
}
