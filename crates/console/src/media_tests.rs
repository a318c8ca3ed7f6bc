//! Images sent from the console, against a real server on loopback and a
//! subscriber on its sandbox platform.

use base64::Engine as _;
use serde_json::Value;
use wicket_model::inbox::{InboxFilter, InboxScope, MessageState};

use super::*;
use crate::test_support::{team_with_account, Team, WAIT};
use crate::tests::{quiet, until_synced};
use wicket_test_support::{eventually, start_server_on, SandboxSubscriber};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR an image staff attach";
const GIF: &[u8] = b"GIF89a a subscriber's picture";

#[tokio::test]
async fn an_image_sent_offline_is_queued_then_uploaded_before_its_reply_and_received_once() {
    let Team { server_dir, server, addr, console_dir: dir, console, account } =
        team_with_account("招商银行信用卡").await;
    let base = server.base_url();

    let mut subscriber = SandboxSubscriber::new(&base.clone(), &account);
    subscriber.say("s-1", "能发一张截图吗？").await;
    let everything =
        InboxFilter { account_id: None, scope: InboxScope::All, status: None, label: None, unread_only: false };
    let conversation = eventually("the subscriber's message reaches the inbox", WAIT, async || {
        console.conversations(everything.clone()).await.unwrap().into_iter().next().map(|c| c.conversation.id)
    })
    .await;

    let image_path = dir.path().join("screenshot.jpg"); // a PNG named .jpg: the bytes decide
    std::fs::write(&image_path, PNG).unwrap();
    let id = hex::encode(Sha256::digest(PNG));

    server.stop().await;
    eventually("the console sees the server is gone", WAIT, async || {
        console.sync_now().await;
        (console.sync_status().await.connection != Connection::Online).then_some(())
    })
    .await;
    let queued = console.send_image(conversation.clone(), image_path.clone(), "img-1".into()).await.unwrap();
    assert_eq!(queued.state, Some(MessageState::Queued), "an image sent offline shows at once as queued");
    assert_eq!(
        queued.message.body,
        wicket_model::conversation::MessageBody::Image { url: format!("/s/media/{id}") },
        "it names the image by its content address"
    );
    // Sending it again (a second click) is one message.
    console.send_image(conversation.clone(), image_path, "img-1".into()).await.unwrap();
    let cache = console.cache().await.unwrap();
    let (waiting, _) = blocking(&cache, |c| c.outbox_counts()).await.unwrap();
    assert_eq!(waiting, 1, "one reply waits in the outbox");
    let images = blocking(&cache, |c| c.pending_media_ids()).await.unwrap();
    assert_eq!(images, std::slice::from_ref(&id), "and its image, once");
    let shown = console.media(id.clone()).await.unwrap().expect("the queued image shows offline, from this computer");
    assert_eq!((shown.mime.as_str(), shown.bytes.as_slice()), ("image/png", PNG), "typed by its bytes");
    assert_eq!(console.media("0".repeat(64)).await.unwrap(), None, "offline and never seen: nothing to show");
    assert_eq!(console.media("../../etc/passwd".into()).await.unwrap(), None, "only image ids");

    let server = start_server_on(server_dir.path(), addr).await;
    console.sync_now().await;
    until_synced(&console).await;
    let page = subscriber.expect(reqwest::Method::GET, "messages", None).await;
    let images: Vec<&Value> =
        page["messages"].as_array().unwrap().iter().filter(|m| m["body"]["type"] == "image").collect();
    assert_eq!(images.len(), 1, "the subscriber received the image once: {page}");
    assert_eq!(images[0]["body"]["url"], format!("/s/media/{id}"));
    let served = reqwest::get(format!("{base}/s/media/{id}")).await.unwrap();
    assert_eq!(served.status(), reqwest::StatusCode::OK, "the image reached the server with its reply");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    let state = console.conversation_messages(conversation, None, 50).await.unwrap().messages.last().unwrap().state;
    assert_eq!(state, Some(MessageState::Sent), "and the console shows it sent");
    // The subscriber's own image: fetched from the server once, then shown offline too.
    let image = format!("data:image/gif;base64,{}", base64::engine::general_purpose::STANDARD.encode(GIF));
    let body = serde_json::json!({"client_msg_id": "s-img", "body": {"type": "image", "data_url": image}});
    subscriber.expect(reqwest::Method::POST, "messages", Some(body)).await;
    let theirs = hex::encode(Sha256::digest(GIF));
    let fetched = eventually("the subscriber's image can be fetched", WAIT, async || {
        console.media(theirs.clone()).await.unwrap()
    })
    .await;
    assert_eq!((fetched.mime.as_str(), fetched.bytes.as_slice()), ("image/gif", GIF));
    server.stop().await;
    let offline = console.media(theirs).await.unwrap().expect("kept for offline use");
    assert_eq!(offline.bytes, GIF);
    console.shutdown().await;
}

#[tokio::test]
async fn a_file_that_is_not_a_sendable_image_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let console = Console::with_tokens(dir.path(), TokenStore::file_only(&dir.path().join("sessions")), quiet());
    console.start_local("Owner").await.unwrap();
    let text = dir.path().join("notes.png");
    std::fs::write(&text, "not a picture, whatever the name says").unwrap();
    let huge = dir.path().join("huge.png");
    let mut bytes = PNG.to_vec();
    bytes.resize(wicket_model::media::MAX_IMAGE_BYTES + 1, 0);
    std::fs::write(&huge, bytes).unwrap();
    let cases = [
        (dir.path().join("missing.png"), "message.image.unreadable"),
        (dir.path().to_owned(), "message.image.unreadable"),
        (text, "message.image.not_image"),
        (huge, "message.image.too_large"),
    ];
    for (path, key) in cases {
        let refused = console.send_image("c-1".into(), path.clone(), "img-1".into()).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::Invalid, "{} is refused", path.display());
        assert_eq!(refused.issues[0].key, key, "{} says why", path.display());
    }
    let image = dir.path().join("ok.png");
    std::fs::write(&image, PNG).unwrap();
    let unknown = console.send_image("nowhere".into(), image, "img-2".into()).await.unwrap_err();
    assert_eq!(unknown.code, ErrorCode::NotFound, "a real image to an unknown conversation is refused too");
    let cache = console.cache().await.unwrap();
    let (queued, _) = blocking(&cache, |c| c.outbox_counts()).await.unwrap();
    assert_eq!(queued, 0, "nothing was queued");
    let waiting = blocking(&cache, |c| c.pending_media_ids()).await.unwrap();
    assert!(waiting.is_empty(), "and no image was left waiting: {waiting:?}");
    console.shutdown().await;
}
