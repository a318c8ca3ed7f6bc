import { memo, useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Action, Issue, Layout, SampleSubscriber } from '../shared/model';
import { RendererContext, type RenderContext } from './context';
import { Icon } from './icons';
import { ModuleList } from './modules';
import { fill, fillAction } from './template';

export interface FunctionViewProps {
  layout: Layout;
  sample: SampleSubscriber;
  /** null for the home page, else the id of one of `layout.pages`. */
  page: string | null;
  /** A tap: the action and its label as the phone performs them, templates filled from the sample. */
  onAction: (action: Action, label: string) => void;
  /** Validation issues: the modules they name get a red outline and `data-issue`. */
  issues?: Issue[];
  /** When given and a page is shown, the page gets a header with a back arrow that calls this. */
  onBack?: () => void;
}

/**
 * The function view as a phone shows it. Everything is text: nothing is ever rendered as HTML.
 * Memoised: a host that re-renders for its own reasons (the designer's selection box) does not walk the modules again.
 */
export const FunctionView = memo(function FunctionView({
  layout,
  sample,
  page,
  onAction,
  issues,
  onBack,
}: FunctionViewProps) {
  const { t } = useTranslation();
  const act = useCallback(
    (action: Action, label: string) => onAction(fillAction(action, sample), fill(label, sample)),
    [onAction, sample],
  );
  const ctx = useMemo<RenderContext>(() => ({ sample, issues, act, raw: onAction }), [sample, issues, act, onAction]);

  const pageIndex = page === null ? -1 : layout.pages.findIndex((p) => p.id === page);
  const shown = pageIndex >= 0 ? layout.pages[pageIndex] : undefined;
  const modules = page === null ? layout.modules : (shown?.modules ?? []);
  const path = page === null ? 'modules' : `pages.${pageIndex}.modules`;

  return (
    <RendererContext.Provider value={ctx}>
      <div className="wk-view" data-page={page ?? 'home'}>
        {page !== null && onBack && (
          <div className="wk-page-header">
            <button
              type="button"
              className="wk-page-back"
              onClick={onBack}
              aria-label={t('renderer.back')}
              data-testid="page-back"
            >
              <Icon name="back" />
            </button>
            <h2 className="wk-page-title">{shown ? fill(shown.title, sample) : ''}</h2>
          </div>
        )}
        {page !== null && !shown ? (
          <p className="wk-empty">{t('renderer.pageMissing')}</p>
        ) : modules.length === 0 ? (
          <p className="wk-empty">{t('renderer.empty')}</p>
        ) : (
          <ModuleList modules={modules} path={path} />
        )}
      </div>
    </RendererContext.Provider>
  );
});
