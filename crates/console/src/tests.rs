use std::time::Duration;

use super::*;
use wicket_model::PlatformProfile;

pub(crate) use wicket_test_support::quiet;

/// A new sandbox subscriber of `account` on the server at `base` follows it
/// and says `text`.
pub(crate) async fn a_subscriber_says(base: &str, account: &str, text: &str) {
    let mut subscriber = wicket_test_support::SandboxSubscriber::new(base, account);
    subscriber.expect(reqwest::Method::POST, "follow", None).await;
    subscriber.say("s-1", text).await;
}

fn console(dir: &Path) -> Console {
    Console::with_tokens(dir, TokenStore::file_only(&dir.join("sessions")), quiet())
}

fn draft(name: &str) -> AccountDraft {
    AccountDraft {
        name: name.into(),
        platform: PlatformProfile::Alipay,
        category: "信用卡".into(),
        description: String::new(),
        avatar_color: "#1677ff".into(),
    }
}

/// Waits until nothing waits: the outbox in the cache is empty (the engine's
/// status alone can still be the one from before the last change was queued)
/// and the engine says so too, online.
pub(crate) async fn until_synced(console: &Console) -> SyncStatus {
    let cache = console.cache().await.expect("signed in");
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let status = console.sync_status().await;
            let (waiting, _) = blocking(&cache, |c| c.outbox_counts()).await.expect("the outbox is readable");
            if waiting == 0 && status.connection == Connection::Online && status.pending == 0 {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the console synced")
}

#[tokio::test]
async fn local_mode_works_from_first_run_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let first = console(dir.path());
    let restored = first.restore(&LastWorkspace::Local).await.unwrap();
    assert_eq!(restored.user, None, "a fresh console has nobody signed in");

    let session = first.start_local("Li Wei").await.unwrap();
    let user = session.user.unwrap();
    assert_eq!((user.display_name.as_str(), user.role), ("Li Wei", wicket_model::Role::Owner));

    let item = first.create_account(draft("招商银行信用卡")).await.unwrap();
    assert!(item.waiting, "a new account waits to sync at first");
    until_synced(&first).await;
    let listed = first.accounts().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(!listed[0].waiting, "after syncing it is no longer waiting");
    first.shutdown().await;

    let second = console(dir.path());
    let session = second.restore(&LastWorkspace::Local).await.unwrap();
    assert_eq!(session.user.map(|u| u.display_name), Some("Li Wei".into()), "the session is kept");
    let names: Vec<_> = second.accounts().await.unwrap().into_iter().map(|a| a.account.name).collect();
    assert_eq!(names, ["招商银行信用卡"]);
    second.shutdown().await;
}

#[tokio::test]
async fn a_bad_name_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let console = console(dir.path());
    console.start_local("").await.unwrap();
    let error = console.create_account(draft("  ")).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::Invalid);
    assert_eq!(error.issues[0].key, "account.name.required");
    let too_long = console.create_account(draft(&"长".repeat(21))).await.unwrap_err();
    assert_eq!(too_long.issues[0].key, "account.name.too_long");
    assert!(console.accounts().await.unwrap().is_empty(), "nothing was written");
    assert_eq!(console.sync_status().await.pending, 0, "nothing waits to sync");
    console.shutdown().await;
}

#[tokio::test]
async fn rename_and_archive_show_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let console = console(dir.path());
    console.start_local("Owner").await.unwrap();
    let id = console.create_account(draft("Bank")).await.unwrap().account.id;
    let patch = AccountPatch { name: Some("Bank Two".into()), ..Default::default() };
    console.update_account(id.clone(), patch).await.unwrap();
    console.set_archived(id.clone(), true).await.unwrap();
    let account = console.accounts().await.unwrap().remove(0).account;
    assert_eq!((account.name.as_str(), account.archived), ("Bank Two", true));
    let missing = console.set_archived("nope".into(), true).await.unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound, "an unknown account is refused before it is queued");
    until_synced(&console).await;
    console.shutdown().await;
}

#[tokio::test]
async fn team_sign_in_reports_wrong_passwords_and_unreachable_servers() {
    let dir = tempfile::tempdir().unwrap();
    let server = wicket_test_support::TestServer::start().await;
    let console = console(dir.path());

    let wrong = console.sign_in(&server.base_url(), "boss", "nope").await.unwrap_err();
    assert_eq!(wrong.code, ErrorCode::Unauthorized);
    let session = console.sign_in(&server.base_url(), "boss", "correct horse battery").await.unwrap();
    assert_eq!(session.mode, Mode::Team);
    let url = server.base_url();
    server.stop().await;
    console.sign_out().await.unwrap();
    let offline = console.sign_in(&url, "boss", "correct horse battery").await.unwrap_err();
    assert_eq!(offline.code, ErrorCode::Offline, "a stopped server reads as offline");
    let bad_url = console.sign_in("wicket.example.com", "boss", "x").await.unwrap_err();
    assert_eq!(bad_url.issues[0].key, "settings.server_url.invalid");
}
