// Every Tauri command of the console window, named once, in the group that
// grants it. A group is a permission set the build script writes
// (`permissions/command-groups.toml`); `capabilities/main.json` grants the
// window whole groups. The same list registers the commands and their
// TypeScript bindings (`lib.rs`), and gives the build script the commands to
// write permissions for (`build.rs` includes this file). A new command is its
// function in `commands.rs` and its name here; a new group is also named in
// `capabilities/main.json`.
//
// `with_commands!(m)` calls `m! { /// doc  group: [command, …], … }`.

macro_rules! with_commands {
    ($then:ident) => {
        $then! {
            /// The session: local workspace, team sign-in and out, the language.
            session: [session, start_local, sign_in, sign_out, language, set_language],
            /// The account list: creating, editing and archiving accounts.
            accounts: [
                list_accounts,
                check_account,
                create_account,
                update_account,
                set_archived,
                default_account_settings,
                open_subscriber_page,
            ],
            /// The sync state and changes the server refused.
            sync: [sync_status, sync_now, rejected_changes, dismiss_rejected],
            /// Conversations: the list, threads, replies, drafts, presence, canned replies.
            inbox: [
                list_conversations,
                attention,
                conversation_messages,
                thread_info,
                send_reply,
                send_image,
                retry_message,
                set_conversation_status,
                assign_conversations,
                edit_conversation_labels,
                load_draft,
                save_draft,
                mark_read,
                search_messages,
                set_presence,
                presence,
                list_canned_replies,
                save_canned_reply,
                delete_canned_reply,
            ],
            /// Subscribers: the list, tags and private notes.
            subscribers: [list_subscribers, edit_subscriber_tags, set_subscriber_note, keep_my_note],
            /// Automatic replies: an account's rules, their inline checks and the "try it" box.
            automation: [
                list_auto_reply_rules,
                check_auto_reply_rule,
                save_auto_reply_rule,
                delete_auto_reply_rule,
                try_auto_reply,
                import_wechat_auto_replies,
            ],
            /// Broadcasts: segment counts, saved segments, drafts, tagging many subscribers, forecasts, sending, the list and cancelling.
            broadcasts: [
                segment_counts,
                list_segments,
                check_segment,
                save_segment,
                delete_segment,
                list_broadcast_drafts,
                save_broadcast_draft,
                delete_broadcast_draft,
                tag_subscribers,
                tag_subscribers_found,
                broadcast_forecast,
                send_broadcast,
                broadcasts,
                broadcast,
                cancel_broadcast,
                preview_broadcast,
            ],
            /// The layout designer: drafts, publishing, versions, files and undo history.
            designer: [
                module_catalog,
                layout_templates,
                template_fields,
                open_layout,
                save_layout,
                resolve_layout_conflict,
                publish_layout,
                layout_versions,
                layout_version,
                rollback_layout,
                import_layout_file,
                export_layout_file,
                export_menu,
                export_menu_file,
                import_wechat_menu,
                load_designer_history,
                save_designer_history,
            ],
            /// The native file dialogs, whose answers the file commands accept.
            files: [pick_open_path, pick_save_path],
            /// The team: staff, their roles and sessions.
            team: [team, add_staff, change_staff, sign_out_staff],
            /// An account's WeChat connection, menu and follower import.
            wechat: [
                wechat_connection,
                connect_wechat,
                test_wechat,
                follower_import,
                import_followers,
                wechat_menu,
                retry_wechat_menu,
                live_wechat_menu,
            ],
            /// An account's Alipay connection and home page.
            alipay: [
                alipay_connection,
                connect_alipay,
                disconnect_alipay,
                test_alipay,
                alipay_home,
                retry_alipay_part,
                live_alipay_home,
            ],
            /// Wicket on this computer: start at login, the tray, notifications.
            desktop: [desktop_settings, set_desktop_settings, set_unread, notify_new_message],
            /// Checking for and installing updates.
            updates: [update_setup, check_for_update, install_update],
        }
    };
}

/// The groups as data: (name, description, commands).
macro_rules! command_groups {
    ($($(#[doc = $doc:literal])* $group:ident: [$($command:ident),* $(,)?]),* $(,)?) => {
        &[$((stringify!($group), concat!($($doc),*), &[$(stringify!($command)),*])),*]
    };
}

/// Every command's name, in list order.
macro_rules! command_names {
    ($($(#[doc = $doc:literal])* $group:ident: [$($command:ident),* $(,)?]),* $(,)?) => {
        &[$($(stringify!($command),)*)*]
    };
}

/// Each group of commands: its name (the permission set's identifier), what it
/// is for, and the commands it grants.
pub const COMMAND_GROUPS: &[(&str, &str, &[&str])] = with_commands!(command_groups);

/// The commands the console window may call.
pub const COMMANDS: &[&str] = with_commands!(command_names);
