//! Two staff members editing the same conversation and subscriber while
//! offline, against a real server: labels and tags both survive, and two
//! notes give a conflict that keeps both texts, never a silent overwrite.

use wicket_model::inbox::{InboxFilter, InboxScope};
use wicket_model::{NewStaff, Role};

use super::*;
use crate::test_support::{team_with_account, Team, PASSWORD, WAIT};
use crate::tests::{quiet, until_synced};
use wicket_test_support::{eventually, start_server_on, SandboxSubscriber};

fn everything() -> InboxFilter {
    InboxFilter { account_id: None, scope: InboxScope::All, status: None, label: None, unread_only: false }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_label_and_tag_additions_on_two_consoles_both_survive_and_two_notes_conflict() {
    let Team { server_dir, server, addr, console_dir: _keep, console: boss, account } =
        team_with_account("街角咖啡").await;
    let agent =
        NewStaff {
            login: "xiaoli".into(), display_name: "小李".into(), role: Role::Agent, password: PASSWORD.into()
        };
    boss.add_staff(agent).await.unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let colleague =
        Console::with_tokens(elsewhere.path(), TokenStore::file_only(&elsewhere.path().join("sessions")), quiet());
    colleague.sign_in(&server.base_url(), "xiaoli", PASSWORD).await.unwrap();

    let mut subscriber = SandboxSubscriber::new(&server.base_url(), &account);
    subscriber.expect(reqwest::Method::POST, "follow", None).await;
    subscriber.say("s-1", "还有燕麦拿铁吗？").await;
    let mut conversation = String::new();
    for console in [&boss, &colleague] {
        conversation = eventually("the message reaches both consoles", WAIT, async || {
            console.sync_now().await;
            console.conversations(everything()).await.unwrap().into_iter().next().map(|c| c.conversation.id)
        })
        .await;
    }
    let subscriber_id = boss.thread_info(conversation.clone()).await.unwrap().subscriber.id;

    // Both offline, each adds its own label and tag and writes the note
    // over the empty one both saw.
    server.stop().await;
    let edits = [(&boss, "VIP", "常客", "只喝燕麦奶"), (&colleague, "待回电", "燕麦", "周五来取货")];
    for (console, label, tag, note) in edits {
        console.edit_conversation_labels(conversation.clone(), vec![label.into()], vec![]).await.unwrap();
        console.edit_subscriber_tags(subscriber_id.clone(), vec![tag.into()], vec![]).await.unwrap();
        console.set_subscriber_note(subscriber_id.clone(), note.into(), String::new()).await.unwrap();
        let shown = console.thread_info(conversation.clone()).await.unwrap();
        assert_eq!(shown.conversation.labels, [label], "shown at once, offline");
        assert_eq!((shown.subscriber.tags, shown.subscriber.note.as_str()), (vec![tag.to_owned()], note));
    }

    let server = start_server_on(server_dir.path(), addr).await;
    for console in [&boss, &colleague, &boss] {
        console.sync_now().await;
        until_synced(console).await;
    }
    let mut notes = Vec::new();
    for (console, _, _, note) in edits {
        // Each console has sent its own; the other's arrives with a pull.
        let info = eventually("each console holds both consoles' changes", WAIT, async || {
            console.sync_now().await;
            let info = console.thread_info(conversation.clone()).await.unwrap();
            (info.conversation.labels.len() == 2 && info.subscriber.tags.len() == 2).then_some(info)
        })
        .await;
        let mut labels = info.conversation.labels.clone();
        labels.sort();
        assert_eq!(labels, ["VIP", "待回电"], "both consoles' labels survive, on each console");
        let mut tags = info.subscriber.tags.clone();
        tags.sort();
        assert_eq!(tags, ["常客", "燕麦"], "both agents' tags survive");
        notes.push((console, note, info));
    }
    let winner = notes[0].2.subscriber.note.clone();
    assert_eq!(notes[1].2.subscriber.note, winner, "both consoles show the same note");
    let (loser, mine, info) = notes.into_iter().find(|(_, note, _)| *note != winner).expect("one note went in first");
    assert_eq!(info.note_conflicts.len(), 1, "the later note is a visible conflict, not an overwrite");
    assert_eq!((info.note_conflicts[0].mine.as_str(), info.note_conflicts[0].base.as_str()), (mine, ""));
    assert_ne!(winner, mine, "the first note was not overwritten");

    // The one who lost keeps theirs after all: it replaces the note as it reads now.
    loser.keep_my_note(info.note_conflicts[0].id).await.unwrap();
    until_synced(loser).await;
    let after = loser.thread_info(conversation.clone()).await.unwrap();
    assert_eq!(
        (after.subscriber.note.as_str(), after.note_conflicts.len()),
        (mine, 0),
        "kept, and the conflict is gone"
    );
    let missing = loser.keep_my_note(info.note_conflicts[0].id).await.unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound, "a resolved conflict cannot be kept twice");

    colleague.shutdown().await;
    boss.shutdown().await;
    server.stop().await;
}
