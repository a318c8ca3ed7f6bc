import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Issue, Page } from '../../shared/model';
import { IssueList, TextField, issuesExactly, issuesUnder } from './fields';

type Props = {
  pages: readonly Page[];
  issues: readonly Issue[];
  /** The page the phone shows; null: the function view's home. */
  shown: string | null;
  onShow: (id: string | null) => void;
  onAdd: () => void;
  onRename: (id: string, title: string) => void;
  onRemove: (id: string) => void;
  onEndTyping: () => void;
};

/**
 * The layout's extra pages, which an "open page" action on a menu item or an
 * entry opens: add, name, show on the phone, remove. The model's rules decide
 * (a title is required, at most so many pages); their issues show here.
 */
export function PagesEditor({ pages, issues, shown, onShow, onAdd, onRename, onRemove, onEndTyping }: Props) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState<string | null>(null);
  const count = issuesUnder(issues, 'pages').filter((issue) => !/^pages\.\d+\.modules/.test(issue.path)).length;
  return (
    <details className="dz-pages" open data-testid="pages-editor">
      <summary>
        {t('designer.pages.title', { count: pages.length })}
        {count > 0 && <span className="dz-issue-summary has-issues">{t('designer.issues.count', { count })}</span>}
      </summary>
      <p className="muted dz-hint">{t('designer.pages.hint')}</p>
      <IssueList issues={issuesExactly(issues, 'pages')} />
      <ol className="dz-page-list">
        {pages.map((page, index) => (
          <li
            key={page.id}
            className={`dz-page-row${shown === page.id ? ' is-shown' : ''}`}
            data-testid="page-row"
            data-page-id={page.id}
          >
            <TextField
              name="page_title"
              value={page.title}
              ctx={{ issuePath: `pages.${index}.title`, field: 'title', issues, onEndTyping, pages }}
              onEdit={(value) => onRename(page.id, String(value ?? ''))}
              hint={t('designer.pages.meta', { id: page.id, count: page.modules.length })}
            />
            <div className="dz-page-actions">
              <button
                type="button"
                className="btn btn-small"
                disabled={shown === page.id}
                onClick={() => onShow(page.id)}
                data-testid="page-show"
              >
                {shown === page.id ? t('designer.pages.shown') : t('designer.pages.show')}
              </button>
              {confirming === page.id ? (
                <>
                  <button type="button" className="btn btn-small btn-ghost" onClick={() => setConfirming(null)}>
                    {t('designer.dialog.cancel')}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    data-testid="page-confirm-remove"
                    onClick={() => {
                      setConfirming(null);
                      if (shown === page.id) onShow(null);
                      onRemove(page.id);
                    }}
                  >
                    {t('designer.pages.confirmRemove', { count: page.modules.length })}
                  </button>
                </>
              ) : (
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  onClick={() => setConfirming(page.id)}
                  data-testid="page-remove"
                  aria-label={t('designer.pages.remove', { title: page.title || page.id })}
                >
                  {t('designer.pages.removeShort')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ol>
      <button type="button" className="btn btn-small" onClick={onAdd} data-testid="page-add">
        {t('designer.pages.add')}
      </button>
    </details>
  );
}
