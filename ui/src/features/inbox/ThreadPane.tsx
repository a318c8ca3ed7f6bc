import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationStatus, ThreadInfo } from '../../platform';
import { Composer, type ComposerMode } from './Composer';
import { ThreadHeader } from './Sidebar';
import { Thread, type JumpTarget } from './Thread';
import { colleaguesIn, type usePresence } from './usePresence';

type Props = {
  openId: string | null;
  info: ThreadInfo | null;
  subscriberName: string;
  accountName: string;
  assignee: string | null;
  me: string;
  busy: boolean;
  version: number;
  jump: JumpTarget | null;
  mode: ComposerMode;
  canAnswer: boolean;
  colleagues: ReturnType<typeof usePresence>;
  replyRef: RefObject<HTMLTextAreaElement | null>;
  onMode: (mode: ComposerMode) => void;
  onStatus: (status: ConversationStatus) => void;
  onAssign: (assignee: string | null) => void;
  onLabels: (add: string[], remove: string[]) => void;
  onClose: () => void;
  onSent: () => void;
  onError: (message: string) => void;
};

/** The middle column: the open conversation's header, messages and composer, or a hint to open one. */
export function ThreadPane(props: Props) {
  const {
    openId,
    info,
    subscriberName,
    accountName,
    assignee,
    me,
    busy,
    version,
    jump,
    mode,
    canAnswer,
    colleagues,
    replyRef,
  } = props;
  const { t } = useTranslation();
  return (
    <section className="ib-col ib-col-thread" aria-label={t('inbox.thread.label')}>
      {openId === null ? (
        <div className="ib-empty ib-empty-thread" data-testid="thread-empty">
          <div className="empty-mark" aria-hidden="true" />
          <h2>{t('inbox.empty.selectTitle')}</h2>
          <p className="muted">{t('inbox.empty.selectBody')}</p>
          <p className="muted ib-empty-keys">{t('inbox.empty.keys')}</p>
        </div>
      ) : (
        <>
          <ThreadHeader
            info={info}
            subscriberName={subscriberName}
            accountName={accountName}
            me={me}
            busy={busy}
            presence={colleagues && { live: colleagues.live, people: colleaguesIn(colleagues, openId) }}
            onStatus={props.onStatus}
            onAssign={props.onAssign}
            onLabels={props.onLabels}
            onClose={props.onClose}
          />
          <Thread
            key={openId}
            conversationId={openId}
            version={version}
            subscriberName={subscriberName}
            me={me}
            jump={jump}
            onError={props.onError}
          />
          <Composer
            key={`composer-${openId}`}
            conversationId={openId}
            mode={mode}
            onModeChange={props.onMode}
            window={info?.window ?? null}
            subscriberName={subscriberName}
            accountName={accountName}
            assignedToOther={assignee !== null && assignee !== me}
            canAnswer={canAnswer}
            colleagues={colleaguesIn(colleagues, openId)}
            textareaRef={replyRef}
            onSent={props.onSent}
            onError={props.onError}
          />
        </>
      )}
    </section>
  );
}
