// This file is generated from src-tauri/src/command_list.rs by `make bindings`; do not edit.
// Each command whose error is a WicketError, as screens call it: it resolves to the
// command's data or throws an AppError. Not here, as their error is not a WicketError
// (index.ts writes them by hand): updateSetup, checkForUpdate, installUpdate.
import { adapt } from './adapt';
import { commands } from './bindings';

export const session = adapt(commands.session);
export const startLocal = adapt(commands.startLocal);
export const signIn = adapt(commands.signIn);
export const signOut = adapt(commands.signOut);
export const language = adapt(commands.language);
export const setLanguage = adapt(commands.setLanguage);
export const listAccounts = adapt(commands.listAccounts);
/** Validates a draft with the core's rules; no side effect. */
export const checkAccount = adapt(commands.checkAccount);
export const createAccount = adapt(commands.createAccount);
export const updateAccount = adapt(commands.updateAccount);
export const setArchived = adapt(commands.setArchived);
/** The platform's own reply and broadcast rules, which an account follows until staff adjust them. */
export const defaultAccountSettings = adapt(commands.defaultAccountSettings);
/**
 * Opens the account's subscriber web app in the system browser; returns
 * its address, which the console also shows.
 */
export const openSubscriberPage = adapt(commands.openSubscriberPage);
export const syncStatus = adapt(commands.syncStatus);
export const syncNow = adapt(commands.syncNow);
export const rejectedChanges = adapt(commands.rejectedChanges);
export const dismissRejected = adapt(commands.dismissRejected);
/** The first `limit` conversations of the list; `more` says it goes on. */
export const listConversations = adapt(commands.listConversations);
/** Mine and unassigned conversations with unread messages (the title count, notifications). */
export const attention = adapt(commands.attention);
/** One page of a thread, oldest first; `before` is the `older` cursor of the page after it, or null for the latest. */
export const conversationMessages = adapt(commands.conversationMessages);
export const threadInfo = adapt(commands.threadInfo);
/** Sends a reply (or keeps a private note); the same clientId twice stores one message. */
export const sendReply = adapt(commands.sendReply);
/**
 * Sends the image file at `path` (from `pick_open_path` in this run) as a reply; refused as `invalid` (with the
 * reason) for a file that is not a sendable image.
 */
export const sendImage = adapt(commands.sendImage);
/** Puts a failed reply back in the outbox, so it is really sent again. */
export const retryMessage = adapt(commands.retryMessage);
export const setConversationStatus = adapt(commands.setConversationStatus);
export const assignConversations = adapt(commands.assignConversations);
/** Adds and removes labels; applied to whatever labels the conversation has by then, so colleagues' labels stay. */
export const editConversationLabels = adapt(commands.editConversationLabels);
export const loadDraft = adapt(commands.loadDraft);
export const saveDraft = adapt(commands.saveDraft);
export const markRead = adapt(commands.markRead);
export const searchMessages = adapt(commands.searchMessages);
/** Tells colleagues which conversation is open here (null: none) and whether a reply or note is being typed. */
export const setPresence = adapt(commands.setPresence);
/** Who views or types where, self included; `live: false` means unknown (the live feed is down). */
export const presence = adapt(commands.presence);
/** This workspace's canned replies, kept on this computer only. */
export const listCannedReplies = adapt(commands.listCannedReplies);
/** Creates (`draft.id` null) or changes a canned reply; per-field issues come back as an `invalid` error. */
export const saveCannedReply = adapt(commands.saveCannedReply);
export const deleteCannedReply = adapt(commands.deleteCannedReply);
/** Subscribers from the cache, by name, tag or note; `more` says the list goes on. */
export const listSubscribers = adapt(commands.listSubscribers);
/**
 * Adds and removes a subscriber's tags (set operations, so colleagues' tags stay); shown at once, sent through the
 * outbox.
 */
export const editSubscriberTags = adapt(commands.editSubscriberTags);
/**
 * Replaces the private note `base` (the note as it read when the edit began) with `note`. If a colleague changed it
 * meanwhile, the thread shows both texts (`ThreadInfo.note_conflicts`) instead of overwriting theirs.
 */
export const setSubscriberNote = adapt(commands.setSubscriberNote);
/** Resolves a note conflict with the note typed here; `dismissRejected(conflict.id)` keeps the colleague's instead. */
export const keepMyNote = adapt(commands.keepMyNote);
/** An account's automatic-reply rules from the cache, waiting edits on top, in the order they answer. */
export const listAutoReplyRules = adapt(commands.listAutoReplyRules);
/** What the account's platform refuses in a rule being edited, per field; nothing is saved. */
export const checkAutoReplyRule = adapt(commands.checkAutoReplyRule);
/** Saves an automatic-reply rule (new, or an edit by its id) through the outbox; refusals come back as an `invalid` error. */
export const saveAutoReplyRule = adapt(commands.saveAutoReplyRule);
export const deleteAutoReplyRule = adapt(commands.deleteAutoReplyRule);
/** Which rule answers a message typed as a subscriber would, with the unsaved `draft` in place, and what it sends. */
export const tryAutoReply = adapt(commands.tryAutoReply);
/** Reads the automatic replies set in the account's WeChat console and saves each as a rule through the outbox. */
export const importWechatAutoReplies = adapt(commands.importWechatAutoReplies);
/** How many subscribers of the account a segment holds now, per platform, counted from the cache (offline too). */
export const segmentCounts = adapt(commands.segmentCounts);
/** An account's saved segments from the cache, waiting edits on top, by name, each with its subscriber count (offline too). */
export const listSegments = adapt(commands.listSegments);
/** What the rules refuse in a segment being saved (its name, its filter), per field; nothing is saved. */
export const checkSegment = adapt(commands.checkSegment);
/** Saves a segment (new, or a rename or edit by its id) through the outbox; refusals come back as an `invalid` error. */
export const saveSegment = adapt(commands.saveSegment);
/** Deletes a saved segment through the outbox; broadcasts already made keep their audience. */
export const deleteSegment = adapt(commands.deleteSegment);
/** An account's broadcast drafts from the cache, waiting edits on top, the last edited first (offline too). */
export const listBroadcastDrafts = adapt(commands.listBroadcastDrafts);
/** Saves what the composer holds as a draft (new, or an update by its id) through the outbox; only sizes are checked. */
export const saveBroadcastDraft = adapt(commands.saveBroadcastDraft);
/** Deletes a broadcast draft through the outbox (staff's choice, or once it was sent). */
export const deleteBroadcastDraft = adapt(commands.deleteBroadcastDraft);
/** Adds and removes tags on each of the subscribers `ids` (each its own change in the outbox); how many changed. */
export const tagSubscribers = adapt(commands.tagSubscribers);
/** Adds and removes tags on everyone a subscriber search finds (at most 10,000); how many changed. */
export const tagSubscribersFound = adapt(commands.tagSubscribersFound);
/**
 * Who a broadcast to `audience` would reach now, per platform, and who a cap or an unfollow leaves out (needs the
 * server).
 */
export const broadcastForecast = adapt(commands.broadcastForecast);
/** Sends a broadcast now, or at `sendAt` (the server keeps the time). */
export const sendBroadcast = adapt(commands.sendBroadcast);
/** The account's broadcasts, newest first, with their counts (needs the server). */
export const broadcasts = adapt(commands.broadcasts);
/** One broadcast, with its progress or results. */
export const broadcast = adapt(commands.broadcast);
/** Stops a scheduled or sending broadcast; what has gone stays gone. */
export const cancelBroadcast = adapt(commands.cancelBroadcast);
/** Sends the content to one WeChat user (their open id) as a mass-message preview. */
export const previewBroadcast = adapt(commands.previewBroadcast);
/** Every module kind with sample props, in palette order (offline). */
export const moduleCatalog = adapt(commands.moduleCatalog);
/** The industry starting layouts, names in both languages (offline). */
export const layoutTemplates = adapt(commands.layoutTemplates);
export const templateFields = adapt(commands.templateFields);
/** The account's local draft: from the server's draft, or empty on first open; works offline. */
export const openLayout = adapt(commands.openLayout);
/**
 * Autosave: kept in the cache at once, sent to the server in the background; the draft with fresh issues. `editedOn`
 * is the `loaded_revision` of the layout the edit was made on: an edit on a layout the cache has since replaced with a
 * colleague's comes back as a conflict.
 */
export const saveLayout = adapt(commands.saveLayout);
/** The layout the person chose in a conflict becomes the draft on top of the server's revision. */
export const resolveLayoutConflict = adapt(commands.resolveLayoutConflict);
/** Publishes the draft (queued when offline); refused as `invalid` with issues when the rules say no. */
export const publishLayout = adapt(commands.publishLayout);
export const layoutVersions = adapt(commands.layoutVersions);
export const layoutVersion = adapt(commands.layoutVersion);
export const rollbackLayout = adapt(commands.rollbackLayout);
/**
 * A layout read from the file at `path` (from `pick_open_path` in this run); refused as `invalid` for a broken or
 * foreign file.
 */
export const importLayoutFile = adapt(commands.importLayoutFile);
/** `path` must come from `pick_save_path` in this run. */
export const exportLayoutFile = adapt(commands.exportLayoutFile);
/** The menu as the platform's own API takes it (pretty JSON). */
export const exportMenu = adapt(commands.exportMenu);
/** `path` must come from `pick_save_path` in this run. */
export const exportMenuFile = adapt(commands.exportMenuFile);
/**
 * A WeChat `menu/create` (or `menu/get`) body read into a menu, with notices of what it had that the menu does not
 * keep.
 */
export const importWechatMenu = adapt(commands.importWechatMenu);
export const loadDesignerHistory = adapt(commands.loadDesignerHistory);
export const saveDesignerHistory = adapt(commands.saveDesignerHistory);
/**
 * The native "open file" dialog, opened by the core; the chosen path, or null when cancelled. The file commands read
 * only a path this returned in this run.
 */
export const pickOpenPath = adapt(commands.pickOpenPath);
/** The native "save file" dialog, opened by the core; the file commands write only a path this returned. */
export const pickSavePath = adapt(commands.pickSavePath);
export const team = adapt(commands.team);
export const addStaff = adapt(commands.addStaff);
export const changeStaff = adapt(commands.changeStaff);
export const signOutStaff = adapt(commands.signOutStaff);
/** The connection (secrets masked; null until saved) and the callback URL to paste into WeChat's console. */
export const wechatConnection = adapt(commands.wechatConnection);
/** Saves the connection; a secret left null keeps the saved one; refused as `invalid` with issues on its fields. */
export const connectWechat = adapt(commands.connectWechat);
/** Has the server fetch an access token: what WeChat answered. */
export const testWechat = adapt(commands.testWechat);
/** The account's follower import (owners and administrators; needs the server), null when none ever ran. */
export const followerImport = adapt(commands.followerImport);
/** Starts importing the account's followers on the server (or gets the import already running). */
export const importFollowers = adapt(commands.importFollowers);
/** What came of sending the account's last published menu to WeChat (needs the server), null before any. */
export const wechatMenu = adapt(commands.wechatMenu);
/** Sends the live layout's menu to WeChat again: what WeChat made of it. */
export const retryWechatMenu = adapt(commands.retryWechatMenu);
/** The menu WeChat shows the account's subscribers now, read as a menu with notices (needs the server). */
export const liveWechatMenu = adapt(commands.liveWechatMenu);
/** The connection (keys masked; null until saved) and the application gateway URL to paste into Alipay's console. */
export const alipayConnection = adapt(commands.alipayConnection);
/** Saves the connection; a key left null keeps the saved one; refused as `invalid` with issues on its fields. */
export const connectAlipay = adapt(commands.connectAlipay);
/** Removes the connection: the server forgets the keys. */
export const disconnectAlipay = adapt(commands.disconnectAlipay);
/** Has the server make one signed, harmless call: what Alipay answered. */
export const testAlipay = adapt(commands.testAlipay);
/** What came of publishing each part of the last published layout to Alipay. */
export const alipayHome = adapt(commands.alipayHome);
/** Publishes one part of the live layout to Alipay again (null: nothing to do for it). */
export const retryAlipayPart = adapt(commands.retryAlipayPart);
/** The menu and home modules Alipay shows the account's subscribers now, read as a layout with notices. */
export const liveAlipayHome = adapt(commands.liveAlipayHome);
/** How Wicket lives on this computer: start at login (the operating system's own setting). */
export const desktopSettings = adapt(commands.desktopSettings);
export const setDesktopSettings = adapt(commands.setDesktopSettings);
/** The unread count that concerns me, for the tray and the taskbar badge. */
export const setUnread = adapt(commands.setUnread);
/**
 * A desktop notification of a new message that opens its conversation when
 * clicked; none while notifications are paused. Returns whether one was shown.
 */
export const notifyNewMessage = adapt(commands.notifyNewMessage);
