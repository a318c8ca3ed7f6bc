import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account, MessageBody } from '../../platform';
import { ChatBubble, PhoneFrame } from '../../renderer';

type Look = 'wechat' | 'alipay';
const LOOKS: readonly Look[] = ['wechat', 'alipay'];

/** The designer's small phone, drawn smaller beside the composer. */
const SCREEN = { width: 320, height: 440 };
const SCALE = 0.8;

type Props = {
  account: Account;
  content: MessageBody;
};

/**
 * The broadcast in the phone's conversation view, as WeChat or Alipay shows
 * it to a follower (the designer's phone frame and bubbles): the account's
 * avatar and message, with the platform's own colours.
 */
export function PhonePreview({ account, content }: Props) {
  const { t } = useTranslation();
  const [look, setLook] = useState<Look>(account.platform);
  const initial = [...account.name.trim()][0] ?? '?';
  return (
    <section className="bc-phone" aria-label={t('broadcasts.phone.title')} data-testid="broadcast-phone">
      <div className="bc-looks" role="group" aria-label={t('broadcasts.phone.title')}>
        {LOOKS.map((l) => (
          <button
            key={l}
            type="button"
            className={`bc-look${look === l ? ' is-active' : ''}`}
            aria-pressed={look === l}
            onClick={() => setLook(l)}
            data-testid={`broadcast-look-${l}`}
          >
            {t(`broadcasts.platform.${l}`)}
          </button>
        ))}
      </div>
      <PhoneFrame
        width={SCREEN.width}
        height={SCREEN.height}
        scale={SCALE}
        title={account.name}
        className={`is-${look}`}
        data-testid="broadcast-phone-frame"
        data-look={look}
      >
        <div className="dz-chat">
          <p className="dz-chat-time">{t('broadcasts.phone.now')}</p>
          <ChatBubble
            side="them"
            body={content}
            avatar={{ initial, color: account.avatar_color }}
            placeholder={t('broadcasts.phone.empty')}
          />
        </div>
      </PhoneFrame>
      <p className="bc-hint">{t(`broadcasts.phone.${look}`)}</p>
    </section>
  );
}
