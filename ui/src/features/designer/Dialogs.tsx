import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '../../kit/useQuery';
import { Dialog } from '../../kit/Dialog';
import { asAppError, describeError, translateIssue } from '../../kit/errors';
import { exportMenu, exportMenuFile, pickSavePath, type LayoutTemplate, type PlatformProfile } from '../../platform';
import type { Issue, Layout } from '../../shared/model';

/** A dialog with a title, a close button and a footer of actions. */
export function Frame({
  id,
  title,
  onClose,
  children,
  footer,
  testId,
  wide,
}: {
  id: string;
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer: ReactNode;
  testId: string;
  wide?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Dialog labelledBy={id} onClose={onClose} testId={testId}>
      <div className={wide ? 'dz-dialog-wide' : undefined}>
        <div className="dialog-header">
          <h2 id={id}>{title}</h2>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={onClose}
            aria-label={t('designer.dialog.close')}
          >
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
  return {
    name: zh ? template.name.zh_cn : template.name.en,
    description: zh ? template.description.zh_cn : template.description.en,
  };
}

/** Start from an industry template; replacing a layout that has content asks first. */
export function TemplatesDialog({
  templates,
  hasContent,
  onPick,
  onClose,
}: {
  templates: LayoutTemplate[];
  hasContent: boolean;
  onPick: (layout: Layout) => void;
  onClose: () => void;
}) {
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
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => onPick(structuredClone(chosen.layout))}
              data-testid="template-confirm"
            >
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
                <button
                  type="button"
                  className="dz-template"
                  onClick={() => pick(template)}
                  data-testid="template-item"
                >
                  <span className="dz-template-name">{name}</span>
                  <span className="muted">{description}</span>
                  <span className="dz-template-meta">
                    {t('designer.templates.meta', {
                      modules: template.layout.modules.length,
                      menu: template.layout.menu.items.length,
                    })}
                  </span>
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
export function ExportMenuDialog({
  layout,
  platform,
  onClose,
}: {
  layout: Layout;
  platform: PlatformProfile;
  onClose: () => void;
}) {
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
              if (json !== null)
                navigator.clipboard?.writeText(json).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
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
      <textarea
        className="dz-code"
        readOnly
        value={json ?? ''}
        aria-label={t('designer.exportMenu.json')}
        data-testid="export-menu-json"
        rows={14}
      />
    </Frame>
  );
}

/** What publishing refused (or what the draft has): each issue, and a way to the module it names. */
export function IssuesDialog({
  title,
  issues,
  onGo,
  onClose,
}: {
  title: string;
  issues: Issue[];
  onGo: (issue: Issue) => void;
  onClose: () => void;
}) {
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
