//! The follower import's calls against a real server whose WeChat is the
//! double: an owner starts it and reads its progress until the followers are
//! subscribers in the console's cache too.

use wicket_model::follower_import::FollowerImportStatus;

use crate::test_support::wechat::{connect, Setup, APP_SECRET};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_imports_followers_and_reads_the_progress_until_done() {
    let fans: Vec<String> = (1..=150).map(|n| format!("oFan{n:04}")).collect();
    let Setup { double: _double, server, console, account, dirs: _dirs } = Setup::start(&fans).await;
    assert_eq!(console.follower_import(account.clone()).await.unwrap(), None, "no import ran yet");
    console.connect_wechat(account.clone(), connect(Some(APP_SECRET))).await.unwrap();

    let started = console.import_followers(account.clone()).await.unwrap();
    assert_eq!(started.status, FollowerImportStatus::Running);
    let mut last = started;
    for _ in 0..200 {
        last = console.follower_import(account.clone()).await.unwrap().expect("the import is kept");
        if last.status != FollowerImportStatus::Running {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(last.status, FollowerImportStatus::Done, "{last:?}");
    assert_eq!((last.total, last.listed, last.imported), (150, 150, 150), "{last:?}");
    // The console's cache gets them through the change feed, as it gets a follow.
    let filter = wicket_model::inbox::SubscriberFilter {
        account_id: Some(account.clone()),
        text: String::new(),
        following_only: true,
    };
    let mut cached = 0;
    for _ in 0..200 {
        crate::tests::until_synced(&console).await;
        cached = console.subscribers(filter.clone(), 500).await.unwrap().items.len();
        if cached == 150 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(cached, 150, "every imported follower is in the Subscribers screen's cache, following");
    server.stop().await;
}
