// The one door between the console and the Rust core. Screens import from
// here only; this module alone knows about Tauri and the generated bindings.
import { convertFileSrc } from '@tauri-apps/api/core';
import { getCurrentWindow } from '@tauri-apps/api/window';
import { isPermissionGranted, requestPermission } from '@tauri-apps/plugin-notification';
import { isErrorCode } from '../shared/errorCodes';
import { commands, events } from './bindings';
import type { UpdateError, UpdateOffer, UpdateProblem, UpdateSetup } from './bindings';
import type {
  AlipayConnect,
  AlipayHomeImport,
  AlipayPanel,
  AlipayPart,
  AlipayPartPublish,
  AlipayTest,
  AccountDraft,
  DesktopSettings,
  MenuCommandEvent,
  AccountSettings,
  NewStaff,
  StaffChange,
  StaffUser,
  SubscriberFilter,
  SubscriberPage,
  CannedReply,
  CannedReplyDraft,
  AccountListItem,
  AccountPatch,
  ConversationListItem,
  ConversationPage,
  ConversationStatus,
  ErrorCode,
  FileFilter,
  InboxFilter,
  Issue,
  Language,
  MessageCursor,
  MessagePage,
  PresenceSnapshot,
  RejectedChange,
  SearchHit,
  Session,
  SyncStatus,
  ThreadInfo,
  ThreadMessage,
  FollowerImport,
  WechatConnect,
  WechatPanel,
  WechatTest,
  WicketError,
  WechatMenuPublish,
} from './bindings';

export type {
  AlipayCharset,
  AlipayConnect,
  AlipayConnection,
  AlipayConnectionState,
  AlipayHomeImport,
  AlipayPanel,
  AlipayPart,
  AlipayPartPublish,
  AlipayPartState,
  AlipayTest,
  Account,
  AccountDraft,
  DesktopSettings,
  MenuCommandEvent,
  AccountSettings,
  BroadcastCap,
  BroadcastPeriod,
  ReplyPolicy,
  CannedReply,
  CannedReplyDraft,
  AccountListItem,
  AccountPatch,
  Connection,
  Conversation,
  ConversationListItem,
  ConversationPage,
  ConversationStatus,
  Delivery,
  Direction,
  ErrorCode,
  InboxFilter,
  InboxScope,
  Message,
  MessageBody,
  MessageCursor,
  MessagePage,
  MessageState,
  ReplyWindow,
  SearchHit,
  SnippetPart,
  Subscriber,
  SubscriberEvent,
  ThreadInfo,
  ThreadMessage,
  Issue,
  Language,
  Mode,
  PlatformProfile,
  Presence,
  PresenceSnapshot,
  PresenceState,
  RejectedChange,
  NewStaff,
  Permission,
  Role,
  Session,
  StaffChange,
  StaffUser,
  SubscriberFilter,
  SubscriberListItem,
  SubscriberPage,
  SyncStatus,
  FollowerImport,
  FollowerImportStatus,
  WechatConnect,
  WechatConnection,
  WechatConnectionState,
  WechatMode,
  WechatPanel,
  WechatTest,
  WicketError,
  WechatMenuPublish,
  WechatMenuState,
} from './bindings';

/** The URI scheme the core serves thread images on (src-tauri's media_protocol). */
const MEDIA_SCHEME = 'wicket-media';

type Result<T, E> = { status: 'ok'; data: T } | { status: 'error'; error: E };

/** A failed call: the core's WicketError, or code "internal" for a framework failure. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly issues: Issue[];

  constructor(code: ErrorCode, message: string, issues: Issue[] = []) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.issues = issues;
  }

  static from(value: unknown): AppError {
    if (value instanceof AppError) return value;
    if (isWicketError(value)) return new AppError(value.code, value.message, value.issues ?? []);
    if (value instanceof Error) return new AppError('internal', value.message);
    if (typeof value === 'string') return new AppError('internal', value);
    return new AppError('internal', String(value));
  }
}

function isWicketError(value: unknown): value is WicketError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; message?: unknown };
  return isErrorCode(v.code) && typeof v.message === 'string';
}

async function call<T>(run: () => Promise<Result<T, WicketError>>): Promise<T> {
  let result: Result<T, WicketError>;
  try {
    result = await run();
  } catch (e) {
    throw AppError.from(e);
  }
  if (result.status === 'ok') return result.data;
  throw AppError.from(result.error);
}

export const session = (): Promise<Session> => call(() => commands.session());
export const startLocal = (displayName: string): Promise<Session> => call(() => commands.startLocal(displayName));
/**
 * Signs in to a team server. A plain `http://` server that is not this computer is refused with the issue
 * `sign_in.server_url.plain_http` unless `allowPlainHttp` says staff were warned and chose to go on.
 */
export const signIn = (serverUrl: string, login: string, password: string, allowPlainHttp = false): Promise<Session> =>
  call(() => commands.signIn(serverUrl, login, password, allowPlainHttp));
export const signOut = (): Promise<null> => call(() => commands.signOut());

export const listAccounts = (): Promise<AccountListItem[]> => call(() => commands.listAccounts());
/** Validates a draft with the core's rules; no side effect. */
export const checkAccount = (draft: AccountDraft): Promise<Issue[]> => call(() => commands.checkAccount(draft));
export const createAccount = (draft: AccountDraft): Promise<AccountListItem> => call(() => commands.createAccount(draft));
export const updateAccount = (id: string, patch: AccountPatch): Promise<null> =>
  call(() => commands.updateAccount(id, patch));
export const setArchived = (id: string, archived: boolean): Promise<null> => call(() => commands.setArchived(id, archived));
/** The platform's own reply and broadcast rules, which an account follows until staff adjust them. */
export const defaultAccountSettings = (platform: PlatformProfile): Promise<AccountSettings> =>
  call(() => commands.defaultAccountSettings(platform));
/** Opens the account's subscriber web app in the browser; resolves to its address. */
export const openSubscriberPage = (id: string): Promise<string> => call(() => commands.openSubscriberPage(id));

export const syncStatus = (): Promise<SyncStatus> => call(() => commands.syncStatus());
export const syncNow = (): Promise<null> => call(() => commands.syncNow());
export const rejectedChanges = (): Promise<RejectedChange[]> => call(() => commands.rejectedChanges());
export const dismissRejected = (id: number): Promise<null> => call(() => commands.dismissRejected(id));

// The inbox (Conversations screen): the cache's conversations and messages with
// this staff member's waiting changes on top.
/** The first `limit` conversations of the list; `more` says it goes on. */
export const listConversations = (filter: InboxFilter, limit: number): Promise<ConversationPage> =>
  call(() => commands.listConversations(filter, limit));
/** Mine and unassigned conversations with unread messages (the title count, notifications). */
export const attention = (): Promise<ConversationListItem[]> => call(() => commands.attention());
/** One page of a thread, oldest first; `before` is the `older` cursor of the page after it, or null for the latest. */
export const conversationMessages = (conversationId: string, before: MessageCursor | null, limit: number): Promise<MessagePage> =>
  call(() => commands.conversationMessages(conversationId, before, limit));
export const threadInfo = (conversationId: string): Promise<ThreadInfo> => call(() => commands.threadInfo(conversationId));
/** Sends a reply (or keeps a private note); the same clientId twice stores one message. */
export const sendReply = (conversationId: string, text: string, note: boolean, clientId: string): Promise<ThreadMessage> =>
  call(() => commands.sendReply(conversationId, text, note, clientId));
/** Sends the image file at `path` as a reply; AppError 'invalid' (with the reason) for a file that is not a sendable image. */
export const sendImage = (conversationId: string, path: string, clientId: string): Promise<ThreadMessage> =>
  call(() => commands.sendImage(conversationId, path, clientId));
/** The server that serves message images (`/s/media/…`); null when signed out. */
/** Where the webview reads a thread's image: the core serves it (waiting, kept, or fetched once and kept). */
export const mediaSrc = (id: string): string => convertFileSrc(id, MEDIA_SCHEME);
/** Puts a failed reply back in the outbox, so it is really sent again. */
export const retryMessage = (messageId: string): Promise<null> => call(() => commands.retryMessage(messageId));
export const setConversationStatus = (ids: string[], status: ConversationStatus): Promise<null> =>
  call(() => commands.setConversationStatus(ids, status));
export const assignConversations = (ids: string[], assignee: string | null): Promise<null> =>
  call(() => commands.assignConversations(ids, assignee));
/** Adds and removes labels; applied to whatever labels the conversation has by then, so colleagues' labels stay. */
export const editConversationLabels = (id: string, add: string[], remove: string[]): Promise<null> =>
  call(() => commands.editConversationLabels(id, add, remove));
export const loadDraft = (conversationId: string): Promise<string> => call(() => commands.loadDraft(conversationId));
export const saveDraft = (conversationId: string, text: string): Promise<null> => call(() => commands.saveDraft(conversationId, text));
export const markRead = (conversationId: string): Promise<null> => call(() => commands.markRead(conversationId));
export const searchMessages = (query: string): Promise<SearchHit[]> => call(() => commands.searchMessages(query));
/** Tells colleagues which conversation is open here (null: none) and whether a reply or note is being typed. */
export const setPresence = (conversationId: string | null, typing: boolean): Promise<null> =>
  call(() => commands.setPresence(conversationId, typing));
/** Who views or types where, self included; `live: false` means unknown (the live feed is down). */
export const presence = (): Promise<PresenceSnapshot> => call(() => commands.presence());

// Canned replies: kept in this workspace's cache on this computer (not synced).
export const listCannedReplies = (): Promise<CannedReply[]> => call(() => commands.listCannedReplies());
/** Creates (`draft.id` null) or changes a canned reply; per-field issues come back as an `invalid` AppError. */
export const saveCannedReply = (draft: CannedReplyDraft): Promise<CannedReply> => call(() => commands.saveCannedReply(draft));
export const deleteCannedReply = (id: string): Promise<null> => call(() => commands.deleteCannedReply(id));
/** Subscribers from the cache, by name, tag or note; `more` says the list goes on. */
export const listSubscribers = (filter: SubscriberFilter, limit: number): Promise<SubscriberPage> => call(() => commands.listSubscribers(filter, limit));
/** Adds and removes a subscriber's tags (set operations, so colleagues' tags stay); shown at once, sent through the outbox. */
export const editSubscriberTags = (id: string, add: string[], remove: string[]): Promise<null> =>
  call(() => commands.editSubscriberTags(id, add, remove));
/**
 * Replaces the private note `base` (the note as it read when the edit began) with `note`. If a colleague
 * changed it meanwhile, the thread shows both texts (`ThreadInfo.note_conflicts`) instead of overwriting theirs.
 */
export const setSubscriberNote = (id: string, note: string, base: string): Promise<null> =>
  call(() => commands.setSubscriberNote(id, note, base));
/** Resolves a note conflict with the note typed here; `dismissRejected(conflict.id)` keeps the colleague's instead. */
export const keepMyNote = (conflict: number): Promise<null> => call(() => commands.keepMyNote(conflict));

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

export const language = (): Promise<Language> => call(() => commands.language());
export const setLanguage = (lang: Language): Promise<null> => call(() => commands.setLanguage(lang));

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

/** Calls cb with every new presence snapshot (who views or types where, or that it became unknown). */
export function onPresence(cb: (snapshot: PresenceSnapshot) => void): Unsubscribe {
  return subscribe(() => events.presenceEvent.listen((event) => cb(event.payload)));
}

// The designer (function view layouts): the local draft, autosave, publish and
// versions, files, and the undo history kept across restarts.
import type {
  CatalogEntry,
  DesignerDraft,
  Layout,
  LayoutTemplate,
  LayoutVersion,
  TemplateField,
  MenuImport,
  PlatformProfile,
} from './bindings';

export type {
  CatalogEntry,
  DesignerDraft,
  LayoutConflict,
  LayoutSyncState,
  LayoutTemplate,
  LayoutVersion,
  TemplateField,
  LocalizedText,
  PublishState,
  FileFilter,
  NoteConflict,
} from './bindings';

/** Every module kind with sample props, in palette order (offline). */
export const moduleCatalog = (): Promise<CatalogEntry[]> => call(() => commands.moduleCatalog());
/** The industry starting layouts, names in both languages (offline). */
export const layoutTemplates = (): Promise<LayoutTemplate[]> => call(() => commands.layoutTemplates());
export const templateFields = (): Promise<TemplateField[]> => call(() => commands.templateFields());
/** The account's local draft: from the server's draft, or empty on first open; works offline. */
export const openLayout = (accountId: string): Promise<DesignerDraft> => call(() => commands.openLayout(accountId));
/**
 * Autosave: kept in the cache at once, sent to the server in the background; the draft with fresh issues.
 * `editedOn` is the `loaded_revision` of the layout the edit was made on: an edit on a layout the cache
 * has since replaced with a colleague's comes back as a conflict.
 */
export const saveLayout = (accountId: string, layout: Layout, editedOn: number): Promise<DesignerDraft> =>
  call(() => commands.saveLayout(accountId, layout, editedOn));
/** The layout the person chose in a conflict becomes the draft on top of the server's revision. */
export const resolveLayoutConflict = (accountId: string, layout: Layout): Promise<DesignerDraft> =>
  call(() => commands.resolveLayoutConflict(accountId, layout));
/** Publishes the draft (queued when offline); AppError 'invalid' with issues when the rules say no. */
export const publishLayout = (accountId: string): Promise<DesignerDraft> => call(() => commands.publishLayout(accountId));
/** Published versions, newest first (needs the server: AppError 'offline' otherwise). */
// The team (owners and administrators): on the server only, so these need a connection.
export const team = (): Promise<StaffUser[]> => call(() => commands.team());
export const addStaff = (staff: NewStaff): Promise<StaffUser> => call(() => commands.addStaff(staff));
export const changeStaff = (id: string, change: StaffChange): Promise<StaffUser> => call(() => commands.changeStaff(id, change));
export const signOutStaff = (id: string): Promise<null> => call(() => commands.signOutStaff(id));
// An account's WeChat connection (owners and administrators): on the server only, so these need a connection.
/** The connection (secrets masked; null until saved) and the callback URL to paste into WeChat's console. */
export const wechatConnection = (accountId: string): Promise<WechatPanel> => call(() => commands.wechatConnection(accountId));
/** Saves the connection; a secret left null keeps the saved one. AppError 'invalid' with issues on its fields. */
export const connectWechat = (accountId: string, connect: WechatConnect): Promise<WechatPanel> =>
  call(() => commands.connectWechat(accountId, connect));
/** Has the server fetch an access token: what WeChat answered. */
export const testWechat = (accountId: string): Promise<WechatTest> => call(() => commands.testWechat(accountId));
/** The account's follower import (owners and administrators; needs the server), null when none ever ran. */
export const followerImport = (accountId: string): Promise<FollowerImport | null> => call(() => commands.followerImport(accountId));
/** Starts importing the account's followers on the server (or gets the import already running). */
export const importFollowers = (accountId: string): Promise<FollowerImport> => call(() => commands.importFollowers(accountId));
/** What came of sending the account's last published menu to WeChat (needs the server), null before any. */
export const wechatMenu = (accountId: string): Promise<WechatMenuPublish | null> => call(() => commands.wechatMenu(accountId));
/** Sends the live layout's menu to WeChat again: what WeChat made of it. */
export const retryWechatMenu = (accountId: string): Promise<WechatMenuPublish> => call(() => commands.retryWechatMenu(accountId));
/** The menu WeChat shows the account's subscribers now, read as a menu with notices (needs the server). */
export const liveWechatMenu = (accountId: string): Promise<MenuImport> => call(() => commands.liveWechatMenu(accountId));
// An account's Alipay 生活号 connection (owners and administrators) and its home page (designers): on the server only.
/** The connection (keys masked; null until saved) and the application gateway URL to paste into Alipay's console. */
export const alipayConnection = (accountId: string): Promise<AlipayPanel> => call(() => commands.alipayConnection(accountId));
/** Saves the connection; a key left null keeps the saved one. AppError 'invalid' with issues on its fields. */
export const connectAlipay = (accountId: string, connect: AlipayConnect): Promise<AlipayPanel> =>
  call(() => commands.connectAlipay(accountId, connect));
/** Removes the connection: the server forgets the keys. */
export const disconnectAlipay = (accountId: string): Promise<AlipayPanel> => call(() => commands.disconnectAlipay(accountId));
/** Has the server make one signed, harmless call: what Alipay answered. */
export const testAlipay = (accountId: string): Promise<AlipayTest> => call(() => commands.testAlipay(accountId));
/** What came of publishing each part of the last published layout to Alipay. */
export const alipayHome = (accountId: string): Promise<AlipayPartPublish[]> => call(() => commands.alipayHome(accountId));
/** Publishes one part of the live layout to Alipay again (null: nothing to do for it). */
export const retryAlipayPart = (accountId: string, part: AlipayPart): Promise<AlipayPartPublish | null> =>
  call(() => commands.retryAlipayPart(accountId, part));
/** The menu and home modules Alipay shows the account's subscribers now, read as a layout with notices. */
export const liveAlipayHome = (accountId: string): Promise<AlipayHomeImport> => call(() => commands.liveAlipayHome(accountId));
export const layoutVersions = (accountId: string): Promise<LayoutVersion[]> => call(() => commands.layoutVersions(accountId));
export const layoutVersion = (accountId: string, version: number): Promise<Layout> => call(() => commands.layoutVersion(accountId, version));
export const rollbackLayout = (accountId: string, version: number): Promise<null> => call(() => commands.rollbackLayout(accountId, version));
/** A layout read from a file; AppError 'invalid' for a broken or foreign file. */
export const importLayoutFile = (path: string): Promise<Layout> => call(() => commands.importLayoutFile(path));
export const exportLayoutFile = (path: string, layout: Layout): Promise<null> => call(() => commands.exportLayoutFile(path, layout));
/** The menu as the platform's own API takes it (pretty JSON). */
export const exportMenu = (layout: Layout, platform: PlatformProfile): Promise<string> => call(() => commands.exportMenu(layout, platform));
export const exportMenuFile = (path: string, layout: Layout, platform: PlatformProfile): Promise<null> => call(() => commands.exportMenuFile(path, layout, platform));
/** A WeChat `menu/create` (or `menu/get`) body read into a menu, with notices of what it had that the menu does not keep. */
export const importWechatMenu = (json: string): Promise<MenuImport> => call(() => commands.importWechatMenu(json));
export const loadDesignerHistory = (accountId: string): Promise<string | null> => call(() => commands.loadDesignerHistory(accountId));
export const saveDesignerHistory = (accountId: string, history: string): Promise<null> =>
  call(() => commands.saveDesignerHistory(accountId, history));

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

/** How Wicket lives on this computer: start at login (the operating system's own setting). */
export const desktopSettings = (): Promise<DesktopSettings> => call(() => commands.desktopSettings());
export const setDesktopSettings = (desktop: DesktopSettings): Promise<DesktopSettings> =>
  call(() => commands.setDesktopSettings(desktop));

/**
 * The native "open file" dialog, opened by the core; the chosen path, or null when cancelled. The file
 * commands read only a path this returned in this run.
 */
export const pickOpenPath = (filters: FileFilter[]): Promise<string | null> => call(() => commands.pickOpenPath(filters));

/** The native "save file" dialog, opened by the core; the file commands write only a path this returned. */
export const pickSavePath = (defaultName: string, filters: FileFilter[] = []): Promise<string | null> =>
  call(() => commands.pickSavePath(defaultName, filters));

export type { UpdateOffer, UpdateProblem, UpdateSetup };

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
