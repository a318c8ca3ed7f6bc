import type { HTMLAttributes, ReactNode } from 'react';
import type { MessageBody } from '../shared/model';
import { httpsUrl } from './template';
import './phone.css';

/** The frame's border around the screen, each side, in px. */
const BEZEL = 14;

type FrameProps = {
  /** The screen's size in CSS px, before `scale`. */
  width: number;
  height: number;
  /** Drawn this much smaller or larger; the frame takes the scaled room. */
  scale?: number;
  /** What the title bar says: the account's name. */
  title: string;
  /** A button at the title bar's right end (the designer's view switch). */
  titleAction?: ReactNode;
  children: ReactNode;
} & Omit<HTMLAttributes<HTMLDivElement>, 'title'>;

/**
 * A phone as the console draws it: the frame, the status bar and the
 * account's title bar around whatever the screen shows (the designer's
 * function and conversation views, a broadcast's preview).
 */
export function PhoneFrame({ width, height, scale = 1, title, titleAction, children, className, ...rest }: FrameProps) {
  return (
    <div className="dz-phone-slot" style={{ width: (width + 2 * BEZEL) * scale, height: (height + 2 * BEZEL) * scale }}>
      <div
        {...rest}
        className={className ? `dz-phone ${className}` : 'dz-phone'}
        style={{ width: width + 2 * BEZEL, height: height + 2 * BEZEL, transform: `scale(${scale})` }}
      >
        <div className="dz-screen" style={{ width, height }}>
          <div className="dz-statusbar" aria-hidden="true">
            <span>9:41</span>
            <span className="dz-statusbar-icons">●●● ▮</span>
          </div>
          <div className="dz-titlebar">
            <span className="dz-titlebar-name">{title}</span>
            {titleAction}
          </div>
          {children}
        </div>
      </div>
    </div>
  );
}

type BubbleProps = {
  body: MessageBody;
  /** `them`: the account writing to the subscriber; `me`: the subscriber. */
  side: 'them' | 'me';
  /** The account's avatar: its initial on its colour. */
  avatar?: { initial: string; color: string };
  /** Shown when a text is empty (nothing written yet). */
  placeholder?: string;
};

/** One message in the conversation view, text, image or article card, as the phone shows it. */
export function ChatBubble({ body, side, avatar, placeholder }: BubbleProps) {
  const face = avatar ? (
    <span className="dz-chat-avatar" style={{ background: avatar.color }} aria-hidden="true">
      {avatar.initial}
    </span>
  ) : null;
  let content: ReactNode;
  switch (body.type) {
    case 'text':
      content =
        body.text.trim() === '' && placeholder ? (
          <div className={`dz-bubble is-${side} is-placeholder`}>{placeholder}</div>
        ) : (
          <div className={`dz-bubble is-${side}`}>{body.text}</div>
        );
      break;
    case 'image': {
      const src = httpsUrl(body.url);
      content = src ? <img className="dz-chat-image" src={src} alt="" /> : <div className="dz-chat-image" />;
      break;
    }
    case 'article': {
      const cover = httpsUrl(body.image_url);
      content = (
        <div className="dz-chat-article">
          {cover ? <img className="dz-chat-article-cover" src={cover} alt="" /> : null}
          <span className="dz-chat-article-title">{body.title}</span>
          <span className="dz-chat-article-text">{body.description}</span>
        </div>
      );
      break;
    }
    default:
      content = null;
  }
  return (
    <div className={`dz-chat-line is-${side}`} data-testid="chat-bubble" data-side={side}>
      {side === 'them' ? face : null}
      {content}
    </div>
  );
}
