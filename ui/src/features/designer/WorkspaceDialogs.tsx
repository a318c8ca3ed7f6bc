import type { Dispatch } from 'react';
import { useTranslation } from 'react-i18next';
import { liveWechatMenu, type DesignerDraft, type LayoutTemplate } from '../../platform';
import type { Issue, Layout, PlatformProfile, SampleSubscriber } from '../../shared/model';
import { AlipayImportDialog } from './AlipayImportDialog';
import { ExportMenuDialog, IssuesDialog, TemplatesDialog } from './Dialogs';
import { ConflictDialog, HistoryDrawer } from './History';
import { ImportMenuDialog } from './ImportMenuDialog';
import type { DesignerAction } from './state';

export type DialogName =
  'templates' | 'exportMenu' | 'importMenu' | 'alipayImport' | 'conflict' | 'issues' | 'publishIssues' | null;

type Props = {
  dialog: DialogName;
  historyOpen: boolean;
  accountId: string;
  platform: PlatformProfile;
  layout: Layout;
  draft: DesignerDraft | null;
  sample: SampleSubscriber;
  templates: LayoutTemplate[];
  issues: Issue[];
  publishIssues: Issue[];
  dispatch: Dispatch<DesignerAction>;
  onPage: (page: string | null) => void;
  onClose: () => void;
  onCloseHistory: () => void;
  onRolledBack: () => void;
  onResolve: (chosen: Layout) => void;
  onGoToIssue: (issue: Issue) => void;
};

/** The workspace's dialogs and the history drawer: at most one dialog at a time. */
export function WorkspaceDialogs(props: Props) {
  const { dialog, accountId, platform, layout, draft, dispatch, onPage, onClose } = props;
  const { t } = useTranslation();
  return (
    <>
      {props.historyOpen && (
        <HistoryDrawer
          accountId={accountId}
          draft={layout}
          onClose={props.onCloseHistory}
          onRolledBack={props.onRolledBack}
        />
      )}
      {dialog === 'templates' && (
        <TemplatesDialog
          templates={props.templates}
          hasContent={layout.modules.length > 0 || layout.menu.items.length > 0 || layout.pages.length > 0}
          onPick={(next) => {
            dispatch({ type: 'replace', layout: next });
            onPage(null);
            onClose();
          }}
          onClose={onClose}
        />
      )}
      {dialog === 'exportMenu' && <ExportMenuDialog layout={layout} platform={platform} onClose={onClose} />}
      {dialog === 'importMenu' && (
        <ImportMenuDialog
          onLive={platform === 'wechat' ? () => liveWechatMenu(accountId) : undefined}
          onImport={(menu) => {
            dispatch({ type: 'set_menu', menu });
            onClose();
          }}
          onClose={onClose}
        />
      )}
      {dialog === 'alipayImport' && (
        <AlipayImportDialog
          accountId={accountId}
          onUse={(home) => {
            // Alipay's home page is the draft's menu and home modules; its pages stay.
            dispatch({ type: 'replace', layout: { ...layout, menu: home.layout.menu, modules: home.layout.modules } });
            onPage(null);
            onClose();
          }}
          onClose={onClose}
        />
      )}
      {dialog === 'conflict' && draft?.conflict && (
        <ConflictDialog
          draft={draft}
          mine={layout}
          sample={props.sample}
          onResolve={props.onResolve}
          onClose={onClose}
        />
      )}
      {dialog === 'issues' && (
        <IssuesDialog
          title={t('designer.issues.title')}
          issues={props.issues}
          onGo={props.onGoToIssue}
          onClose={onClose}
        />
      )}
      {dialog === 'publishIssues' && (
        <IssuesDialog
          title={t('designer.publish.refused')}
          issues={props.publishIssues}
          onGo={props.onGoToIssue}
          onClose={onClose}
        />
      )}
    </>
  );
}
