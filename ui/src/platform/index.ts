// The one door between the console and the Rust core. Screens import from
// here only; this module alone knows about Tauri and the generated bindings.
//
// Every command reaches the screens through `api.ts`, generated with the
// bindings: `adapt` (adapt.ts) gives each its data or throws an AppError.
// Written here by hand: only what adds something to a command (a default,
// never throwing, a distinct error), the events, the window and file URLs.
import { convertFileSrc } from '@tauri-apps/api/core';
import { getCurrentWindow } from '@tauri-apps/api/window';
import { isPermissionGranted, requestPermission } from '@tauri-apps/plugin-notification';
import { call, type Result } from './adapt';
import { commands, events } from './bindings';
import type {
  DesktopSettings,
  MenuCommandEvent,
  PresenceSnapshot,
  BroadcastProgress,
  Session,
  SyncStatus,
  UpdateError,
  UpdateOffer,
  UpdateProblem,
  UpdateSetup,
} from './bindings';

export type * from './bindings';
export { AppError } from './adapt';
// A name declared below takes the place of the generated one of the same name.
export * from './api';

/** The URI scheme the core serves thread images on (src-tauri's media_protocol). */
const MEDIA_SCHEME = 'wicket-media';

/**
 * Signs in to a team server. A plain `http://` server that is not this computer is refused with the issue
 * `sign_in.server_url.plain_http` unless `allowPlainHttp` says staff were warned and chose to go on.
 */
export const signIn = (serverUrl: string, login: string, password: string, allowPlainHttp = false): Promise<Session> =>
  call(() => commands.signIn(serverUrl, login, password, allowPlainHttp));

/** Where the webview reads a thread's image: the core serves it (waiting, kept, or fetched once and kept). */
export const mediaSrc = (id: string): string => convertFileSrc(id, MEDIA_SCHEME);

/**
 * Shows a desktop notification of a new message in `conversationId`; a click
 * on it opens that conversation (see onOpenConversation) where the desktop
 * reports clicks. The core shows none while notifications are paused. Never
 * throws: a machine without a notification service, or a refused
 * permission, just shows none.
 */
export async function notify(title: string, body: string, conversationId: string): Promise<void> {
  try {
    let granted = await isPermissionGranted();
    if (!granted) granted = (await requestPermission()) === 'granted';
    if (granted) await commands.notifyNewMessage(title, body, conversationId);
  } catch {
    // Nothing to show it with; the unread count in the title still tells.
  }
}

/** The unread count that concerns me, for the tray and the taskbar badge. Never throws. */
export async function setUnread(count: number): Promise<void> {
  try {
    await commands.setUnread(count);
  } catch {
    // Not inside Tauri (the tests): the title carries the count.
  }
}

/** Sets the window's title (the document's outside Tauri). Never throws. */
export async function setWindowTitle(text: string): Promise<void> {
  if (typeof document !== 'undefined') document.title = text;
  try {
    await getCurrentWindow().setTitle(text);
  } catch {
    // Not inside Tauri (a plain browser, the tests): the document title is all there is.
  }
}

type Unsubscribe = () => void;

function subscribe(start: () => Promise<() => void>): Unsubscribe {
  let stopped = false;
  let unlisten: (() => void) | undefined;
  start().then(
    (fn) => {
      if (stopped) fn();
      else unlisten = fn;
    },
    () => {
      // Not running inside Tauri (e.g. a plain browser): there is nothing to hear.
    },
  );
  return () => {
    stopped = true;
    unlisten?.();
    unlisten = undefined;
  };
}

/** Calls cb with every new sync status the core announces. */
export function onSyncStatus(cb: (status: SyncStatus) => void): Unsubscribe {
  return subscribe(() => events.syncStatusEvent.listen((event) => cb(event.payload)));
}

/** Calls cb whenever the core says the account list changed. */
export function onAccountsChanged(cb: () => void): Unsubscribe {
  return subscribe(() => events.accountsChangedEvent.listen(() => cb()));
}

/** Calls cb whenever the core says the inbox changed (a pull, or this console's own write). */
export function onInboxChanged(cb: () => void): Unsubscribe {
  return subscribe(() => events.inboxChangedEvent.listen(() => cb()));
}

/**
 * Calls cb with the accounts whose broadcast drafts changed as their list shows them (saved, synced,
 * refused, deleted, here or by a colleague); not on sync events that leave them as they were.
 */
export function onBroadcastDraftsChanged(cb: (accountIds: string[]) => void): Unsubscribe {
  return subscribe(() => events.broadcastDraftsChangedEvent.listen((event) => cb(event.payload)));
}

/**
 * Calls cb with the accounts whose saved segments changed as their list shows them (saved, synced,
 * deleted, or a count moved); not on sync events that leave them as they were.
 */
export function onSegmentsChanged(cb: (accountIds: string[]) => void): Unsubscribe {
  return subscribe(() => events.segmentsChangedEvent.listen((event) => cb(event.payload)));
}

/** Calls cb with every new presence snapshot (who views or types where, or that it became unknown). */
export function onPresence(cb: (snapshot: PresenceSnapshot) => void): Unsubscribe {
  return subscribe(() => events.presenceEvent.listen((event) => cb(event.payload)));
}

/** Calls cb with each word of a running broadcast's progress (status and counts so far) from the server's live feed. */
export function onBroadcastProgress(cb: (progress: BroadcastProgress) => void): Unsubscribe {
  return subscribe(() => events.broadcastProgressEvent.listen((event) => cb(event.payload)));
}

/** Calls cb with the account id whenever the core says its layout changed (server saved, conflict, published). */
export function onLayoutChanged(cb: (accountId: string) => void): Unsubscribe {
  return subscribe(() => events.layoutChangedEvent.listen((event) => cb(event.payload)));
}

/** Staff clicked a new-message notification: open this conversation. */
export function onOpenConversation(cb: (conversationId: string) => void): Unsubscribe {
  return subscribe(() => events.openConversationEvent.listen((event) => cb(event.payload)));
}

/** The desktop settings changed outside Settings (notifications paused from the tray). */
export function onDesktopSettings(cb: (desktop: DesktopSettings) => void): Unsubscribe {
  return subscribe(() => events.desktopSettingsEvent.listen((event) => cb(event.payload)));
}

/** A choice in the application menu that the window carries out (undo, redo, the shortcut sheet). */
export function onMenuCommand(cb: (command: MenuCommandEvent) => void): Unsubscribe {
  return subscribe(() => events.menuCommandEvent.listen((event) => cb(event.payload)));
}

/** A failed update check or install (src-tauri/src/updates.rs): what kind, and details for a report. */
export class UpdateFailure extends Error {
  readonly problem: UpdateProblem | 'internal';
  readonly detail: string;

  constructor(problem: UpdateProblem | 'internal', detail: string) {
    super(detail);
    this.name = 'UpdateFailure';
    this.problem = problem;
    this.detail = detail;
  }

  static from(value: unknown): UpdateFailure {
    if (value instanceof UpdateFailure) return value;
    if (typeof value === 'object' && value !== null && 'problem' in value && typeof value.problem === 'string') {
      const detail = 'detail' in value && typeof value.detail === 'string' ? value.detail : '';
      return new UpdateFailure(value.problem as UpdateProblem, detail);
    }
    return new UpdateFailure('internal', value instanceof Error ? value.message : String(value));
  }
}

async function updateCall<T>(run: () => Promise<Result<T, UpdateError>>): Promise<T> {
  let result: Result<T, UpdateError>;
  try {
    result = await run();
  } catch (e) {
    throw UpdateFailure.from(e);
  }
  if (result.status === 'ok') return result.data;
  throw UpdateFailure.from(result.error);
}

/** The console's version and whether an update server is configured. */
export const updateSetup = (): Promise<UpdateSetup> => commands.updateSetup();
/** Asks the update server for a newer version: the offer, or null when up to date. Never installs. */
export const checkForUpdate = (): Promise<UpdateOffer | null> => updateCall(() => commands.checkForUpdate());
/** Installs the offered update if its signature verifies, then restarts. */
export const installUpdate = (): Promise<null> => updateCall(() => commands.installUpdate());
