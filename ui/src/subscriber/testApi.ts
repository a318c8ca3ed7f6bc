// A fake SubscriberApi for the tests: every method a vi.fn, the live feed
// driven by hand.
import { vi } from 'vitest';
import { everyKindLayout } from '../renderer/fixtures';
import { DEFAULT_SAMPLE } from '../renderer/template';
import type { Message, MessageBody, SandboxView } from '../shared/model';
import type { LiveHandlers, SubscriberApi } from './api';

export function viewResponse(overrides: Partial<SandboxView> = {}): SandboxView {
  return {
    account: { id: 'acc-1', name: '招商银行信用卡', avatar_color: '#1677ff', platform: 'wechat', description: '' },
    layout: everyKindLayout(),
    version: 1,
    subscriber: { id: 'sub-1', display_name: '访客', following: false },
    sample: DEFAULT_SAMPLE,
    ...overrides,
  };
}

let seq = 0;
export function message(direction: Message['direction'], body: MessageBody, extra: Partial<Message> = {}): Message {
  seq += 1;
  return {
    id: `m-${seq}`,
    conversation_id: 'c-1',
    direction,
    author: null,
    body,
    client_msg_id: null,
    platform_msg_id: null,
    delivery: direction === 'outbound' ? { state: 'sent' } : null,
    created_at: 1_700_000_000_000 + seq * 1000,
    ...extra,
  };
}

export type FakeApi = { [K in keyof SubscriberApi]: ReturnType<typeof vi.fn<SubscriberApi[K]>> } & {
  /** The handlers of the latest live() call. */
  handlers: () => LiveHandlers;
};

export function fakeApi(view: SandboxView = viewResponse()): FakeApi {
  let handlers: LiveHandlers | null = null;
  const api = {
    view: vi.fn<SubscriberApi['view']>().mockResolvedValue(view),
    follow: vi.fn<SubscriberApi['follow']>().mockResolvedValue({ following: true }),
    unfollow: vi.fn<SubscriberApi['unfollow']>().mockResolvedValue({ following: false }),
    sendEvent: vi.fn<SubscriberApi['sendEvent']>().mockResolvedValue(undefined),
    messages: vi.fn<SubscriberApi['messages']>().mockResolvedValue({ messages: [], cursor: 0 }),
    sendMessage: vi.fn<SubscriberApi['sendMessage']>(),
    live: vi.fn<SubscriberApi['live']>().mockImplementation((h) => {
      handlers = h;
      return () => {
        handlers = null;
      };
    }),
    handlers: () => {
      if (handlers === null) throw new Error('live() is not open');
      return handlers;
    },
  };
  return api;
}
