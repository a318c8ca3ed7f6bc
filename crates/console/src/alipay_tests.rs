//! The Alipay panel's and the designer's Alipay calls against a real server
//! whose Alipay is the double: an owner's connection reads back masked with
//! the key to upload and the gateway URL, its test is a verified call, a
//! malformed key is refused on its field, disconnecting forgets it; a
//! published layout reaches Alipay part by part, a refused part is
//! published again, and the live home page reads back.

use wicket_alipay_double::{Fault, FaultKind};
use wicket_model::alipay::{alipay_home, AlipayCharset, AlipayConnect, AlipayPart, AlipayPartState};
use wicket_model::layout::{ExtensionAreaProps, Layout, MarketingSlotsProps, Module};
use wicket_model::ErrorCode;

use crate::test_support::alipay::{Setup, APP_ID};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_reads_the_connection_masked_tests_it_and_disconnects() {
    let Setup { double, server, console, account, dirs: _dirs } = Setup::start(&[]).await;
    let panel = console.alipay_connection(account.clone()).await.unwrap();
    assert_eq!(panel.gateway_url, format!("{}/alipay/{account}", server.base_url()));
    let connection = panel.connection.expect("connected");
    assert_eq!(connection.app_id, APP_ID);
    assert!(connection.app_private_key.starts_with('•'), "only a fingerprint comes back: {connection:?}");
    assert_eq!(connection.alipay_public_key.chars().filter(|c| *c != '•').count(), 8, "a short fingerprint");
    assert_eq!(double.verify_gateway(APP_ID).await.unwrap().answered_key, Some(connection.app_public_key.clone()));

    let test = console.test_alipay(account.clone()).await.unwrap();
    assert!(test.ok, "{test:?}");
    assert_eq!(test.code.as_deref(), Some("10000"));

    let bad = AlipayConnect {
        app_id: APP_ID.into(),
        app_private_key: Some("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----".into()),
        alipay_public_key: None,
        charset: AlipayCharset::Utf8,
    };
    let refused = console.connect_alipay(account.clone(), bad).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::Invalid);
    assert_eq!(
        (refused.issues[0].path.as_str(), refused.issues[0].key.as_str()),
        ("app_private_key", "alipay.key.not_rsa"),
        "one key per kind of refusal, which the console translates"
    );

    let gone = console.disconnect_alipay(account.clone()).await.unwrap();
    assert_eq!(gone.connection, None);
    assert_eq!(console.alipay_connection(account.clone()).await.unwrap().connection, None);
    server.stop().await;
    console.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_layout_reaches_alipay_part_by_part_and_a_refused_part_is_published_again() {
    let Setup { double, server, console, account, dirs: _dirs } = Setup::start(&[]).await;
    assert_eq!(console.alipay_home(account.clone()).await.unwrap(), [], "nothing published yet");
    double.fail_next(Fault {
        kind: FaultKind::Error {
            code: "40004".into(),
            msg: "Business Failed".into(),
            sub_code: "TOPIC_ITEMS_OUT_OF_LIMIT".into(),
            sub_msg: "营销位内容数量不合法".into(),
        },
        count: 1,
        method: Some("alipay.open.public.topic.create".into()),
    });
    let mut layout = Layout::default();
    layout.modules.push(Module::new("ext", ExtensionAreaProps::default()));
    layout.modules.push(Module::new("slots", MarketingSlotsProps::default()));
    let opened = console.open_layout(account.clone()).await.unwrap();
    console.save_layout(account.clone(), layout.clone(), opened.loaded_revision).await.unwrap();
    console.publish_layout(account.clone()).await.unwrap();
    let mut parts = Vec::new();
    for _ in 0..200 {
        console.sync_now().await;
        parts = console.alipay_home(account.clone()).await.unwrap();
        // The parts are recorded one by one: wait for both this layout uses.
        if parts.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let states: Vec<_> = parts.iter().map(|p| (p.part, p.state)).collect();
    assert_eq!(
        states,
        [
            (AlipayPart::ExtensionAreas, AlipayPartState::Published),
            (AlipayPart::MarketingSlots, AlipayPartState::Refused)
        ],
        "the layout has no menu and no carousel, and the account had none: {parts:?}"
    );
    assert_eq!(parts[1].code.as_deref(), Some("TOPIC_ITEMS_OUT_OF_LIMIT"));
    assert!(double.topics(APP_ID).unwrap().is_empty());

    let retried = console.retry_alipay_part(account.clone(), AlipayPart::MarketingSlots).await.unwrap();
    assert_eq!(retried.map(|p| p.state), Some(AlipayPartState::Published));
    let topics = double.topics(APP_ID).unwrap();
    assert_eq!(Some(&topics[0].topic), alipay_home(&layout).marketing_slots.as_ref());

    let live = console.live_alipay_home(account.clone()).await.unwrap();
    assert_eq!(alipay_home(&live.layout), alipay_home(&layout), "the live home page reads as Alipay holds it");
    server.stop().await;
    console.shutdown().await;
}
