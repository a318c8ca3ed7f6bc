//! The team screen's calls against a real server: an owner adds a
//! colleague who then signs in with the role given, and every refusal comes
//! back with its reason and changes nothing.

use wicket_model::{ErrorCode, NewStaff, Permission, Role, StaffChange};

use crate::test_support::{team_with_account, Team};

fn agent(login: &str, password: &str) -> NewStaff {
    NewStaff { login: login.into(), display_name: "小李".into(), role: Role::Agent, password: password.into() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_owner_adds_a_colleague_who_signs_in_with_the_role_given() {
    let Team { server, console, console_dir: _keep, server_dir: _data, .. } = team_with_account("麦当劳").await;
    let owner = console.session().await;
    assert!(owner.permissions.contains(&Permission::ManageStaff), "an owner manages the team");

    let added = console.add_staff(agent("xiaoli", "a long password")).await.unwrap();
    assert_eq!((added.login.as_str(), added.display_name.as_str(), added.role), ("xiaoli", "小李", Role::Agent));
    let logins: Vec<_> = console.team().await.unwrap().into_iter().map(|s| s.login).collect();
    assert_eq!(logins, ["boss", "xiaoli"], "the team, oldest first");

    // The colleague, on another computer: an agent answers, does not manage.
    let elsewhere = tempfile::tempdir().unwrap();
    let tokens = crate::TokenStore::file_only(&elsewhere.path().join("sessions"));
    let colleague = crate::Console::with_tokens(elsewhere.path(), tokens, crate::tests::quiet());
    let session = colleague.sign_in(&server.base_url(), "xiaoli", "a long password").await.unwrap();
    assert!(session.permissions.contains(&Permission::AnswerSubscribers));
    assert!(!session.permissions.contains(&Permission::ManageStaff), "the console hides the team screen from agents");
    assert_eq!(colleague.team().await.unwrap_err().code, ErrorCode::Forbidden, "and the server refuses it");

    // Made a designer; then a new password signs them out everywhere.
    let changed =
        console.change_staff(added.id.clone(), StaffChange { role: Some(Role::Designer), ..Default::default() });
    assert_eq!(changed.await.unwrap().role, Role::Designer);
    let password = StaffChange { password: Some("another long one".into()), ..Default::default() };
    console.change_staff(added.id.clone(), password).await.unwrap();
    let client = wicket_sync::ServerClient::new(&server.base_url()).unwrap();
    assert!(client.sign_in("xiaoli", "a long password").await.is_err(), "the old password no longer works");
    let fresh = client.sign_in("xiaoli", "another long one").await.unwrap();
    assert_eq!(fresh.user.role, Role::Designer);
    console.sign_out_staff(added.id.clone()).await.unwrap();
    assert!(client.me(&fresh.token).await.unwrap_err().is_unauthorized(), "signed out everywhere");

    colleague.shutdown().await;
    console.shutdown().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_colleague_or_change_is_refused_with_its_reason_and_changes_nothing() {
    let Team { server, console, console_dir: _keep, server_dir: _data, .. } = team_with_account("麦当劳").await;

    let short = console.add_staff(agent("xiaoli", "short")).await.unwrap_err();
    assert_eq!(short.code, ErrorCode::Invalid);
    assert_eq!(short.issues[0].path, "password", "the problem names its field");
    let blank = console.add_staff(agent("   ", "a long password")).await.unwrap_err();
    assert_eq!((blank.code, blank.issues[0].path.as_str()), (ErrorCode::Invalid, "login"));
    console.add_staff(agent("xiaoli", "a long password")).await.unwrap();
    let twice = console.add_staff(agent("XiaoLi", "a long password")).await.unwrap_err();
    assert_eq!(twice.code, ErrorCode::Conflict, "a sign-in name is taken whatever its case");
    assert_eq!(console.team().await.unwrap().len(), 2, "nothing was added by the refusals");

    // The server keeps an owner.
    let me = console.session().await.user.unwrap();
    let step_down = StaffChange { role: Some(Role::Admin), ..Default::default() };
    assert_eq!(console.change_staff(me.id.clone(), step_down).await.unwrap_err().code, ErrorCode::Conflict);

    // Offline: a clear error, not a hang and not a stale list.
    server.stop().await;
    assert_eq!(console.team().await.unwrap_err().code, ErrorCode::Offline);
    console.shutdown().await;
}
