// Publishing the layout and moving it in and out of files: each says what
// went wrong in the designer's notice, and a publish refused for the layout's
// own issues opens the list of them instead.

import { useState, type Dispatch } from 'react';
import { useTranslation } from 'react-i18next';
import { asAppError, describeError } from '../../kit/errors';
import {
  exportLayoutFile,
  importLayoutFile,
  pickOpenPath,
  pickSavePath,
  publishLayout,
  type DesignerDraft,
} from '../../platform';
import type { Issue, Layout } from '../../shared/model';
import type { DesignerAction } from './state';

type Options = {
  accountId: string;
  accountName: string;
  layout: Layout;
  dispatch: Dispatch<DesignerAction>;
  /** Saves what is typed before publishing. */
  flush: () => Promise<unknown>;
  applyDraft: (draft: DesignerDraft) => void;
  onNotice: (notice: string | null) => void;
  onPublishIssues: (issues: Issue[]) => void;
};

export function useLayoutFiles({
  accountId,
  accountName,
  layout,
  dispatch,
  flush,
  applyDraft,
  onNotice,
  onPublishIssues,
}: Options) {
  const { t } = useTranslation();
  const [publishing, setPublishing] = useState(false);
  const filter = [{ name: t('designer.file.filter'), extensions: ['json'] }];

  const publish = () => {
    setPublishing(true);
    flush()
      .then(() => publishLayout(accountId))
      .then(
        (next) => {
          setPublishing(false);
          applyDraft(next);
        },
        (e: unknown) => {
          setPublishing(false);
          const err = asAppError(e);
          if (err.code === 'invalid' && err.issues.length > 0) onPublishIssues(err.issues);
          else onNotice(err.code === 'offline' ? t('designer.publish.offline') : describeError(t, err));
        },
      );
  };

  const importFile = () => {
    pickOpenPath(filter)
      .then((path) => (path === null ? null : importLayoutFile(path)))
      .then(
        (imported) => {
          if (imported) dispatch({ type: 'replace', layout: imported });
        },
        (e: unknown) => onNotice(t('designer.file.importFailed', { reason: describeError(t, asAppError(e)) })),
      );
  };

  const exportFile = () => {
    pickSavePath(`${accountName || 'layout'}.wicket-layout.json`, filter)
      .then((path) => (path === null ? null : exportLayoutFile(path, layout)))
      .then(
        (done) => {
          if (done !== null) onNotice(null);
        },
        (e: unknown) => onNotice(t('designer.file.exportFailed', { reason: describeError(t, asAppError(e)) })),
      );
  };

  return { publishing, publish, importFile, exportFile };
}
