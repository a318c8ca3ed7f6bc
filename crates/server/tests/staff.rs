//! Staff management over real HTTP on loopback: owners and administrators
//! add colleagues, change roles and sign people out; the server always keeps
//! an owner.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a failed step fails the test")]

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use wicket_server::{ManualClock, ServerOptions};
use wicket_test_support::{TestServer, OWNER_LOGIN, OWNER_PASSWORD};

struct Fixture {
    server: TestServer,
    http: reqwest::Client,
}

async fn fixture() -> Fixture {
    let server = TestServer::start_with(Arc::new(ManualClock::at(1_700_000_000_000)), ServerOptions::default()).await;
    Fixture { server, http: reqwest::Client::new() }
}

impl Fixture {
    async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}/api/v1{path}", self.server.base_url()));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn sign_in(&self, login: &str, password: &str) -> Option<String> {
        let body = json!({"login": login, "password": password});
        let (status, answer) = self.call(Method::POST, "/sessions", None, Some(body)).await;
        (status == StatusCode::OK).then(|| answer["token"].as_str().unwrap().to_owned())
    }

    async fn add(&self, token: &str, login: &str, role: &str) -> (StatusCode, Value) {
        let body = json!({"login": login, "display_name": login, "role": role, "password": "staff password"});
        self.call(Method::POST, "/staff", Some(token), Some(body)).await
    }
}

#[tokio::test]
async fn an_owner_adds_an_agent_who_can_then_sign_in() {
    let f = fixture().await;
    let owner = f.sign_in(OWNER_LOGIN, OWNER_PASSWORD).await.unwrap();
    let (status, agent) = f.add(&owner, "xiaoli", "agent").await;
    assert_eq!(status, StatusCode::OK, "the owner adds an agent: {agent}");
    assert_eq!(agent["role"], "agent");
    let token = f.sign_in("xiaoli", "staff password").await.expect("the new agent signs in");
    let (status, _) = f.call(Method::GET, "/staff", Some(&token), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an agent cannot list staff");

    let (status, list) = f.call(Method::GET, "/staff", Some(&owner), None).await;
    assert_eq!(status, StatusCode::OK);
    let logins: Vec<&str> = list.as_array().unwrap().iter().map(|s| s["login"].as_str().unwrap()).collect();
    assert_eq!(logins, ["boss", "xiaoli"], "the list holds everyone, oldest first");

    let (status, again) = f.add(&owner, "XiaoLi", "designer").await;
    assert_eq!(status, StatusCode::CONFLICT, "a sign-in name is taken whatever its case: {again}");
}

#[tokio::test]
async fn bad_staff_input_is_refused_with_the_field() {
    let f = fixture().await;
    let owner = f.sign_in(OWNER_LOGIN, OWNER_PASSWORD).await.unwrap();
    let short = json!({"login": "a", "role": "agent", "password": "short"});
    let (status, answer) = f.call(Method::POST, "/staff", Some(&owner), Some(short)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["issues"][0]["key"], "staff.password.too_short", "the short password is named: {answer}");
    let unknown = json!({"login": "a", "role": "agent", "password": "long enough", "admin": true});
    let (status, _) = f.call(Method::POST, "/staff", Some(&owner), Some(unknown)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused");
    let (status, list) = f.call(Method::GET, "/staff", Some(&owner), None).await;
    assert_eq!((status, list.as_array().unwrap().len()), (StatusCode::OK, 1), "nothing was added");
}

#[tokio::test]
async fn an_admin_manages_the_team_but_not_its_owners() {
    let f = fixture().await;
    let owner = f.sign_in(OWNER_LOGIN, OWNER_PASSWORD).await.unwrap();
    f.add(&owner, "admin", "admin").await;
    let admin = f.sign_in("admin", "staff password").await.unwrap();

    let (status, _) = f.add(&admin, "new-owner", "owner").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an admin cannot make an owner");
    let (status, agent) = f.add(&admin, "agent", "agent").await;
    assert_eq!(status, StatusCode::OK, "an admin adds an agent");
    let agent_id = agent["id"].as_str().unwrap().to_owned();
    let path = format!("/staff/{agent_id}");
    let (status, changed) = f.call(Method::PATCH, &path, Some(&admin), Some(json!({"role": "designer"}))).await;
    assert_eq!((status, changed["role"].as_str()), (StatusCode::OK, Some("designer")), "an admin changes a role");
    let (status, _) = f.call(Method::PATCH, &path, Some(&admin), Some(json!({"role": "owner"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an admin cannot promote to owner");

    let (_, list) = f.call(Method::GET, "/staff", Some(&owner), None).await;
    let boss_id = list[0]["id"].as_str().unwrap().to_owned();
    let (status, _) =
        f.call(Method::PATCH, &format!("/staff/{boss_id}"), Some(&admin), Some(json!({"role": "agent"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an admin cannot demote an owner");
}

#[tokio::test]
async fn the_last_owner_stays_an_owner() {
    let f = fixture().await;
    let owner = f.sign_in(OWNER_LOGIN, OWNER_PASSWORD).await.unwrap();
    let (_, list) = f.call(Method::GET, "/staff", Some(&owner), None).await;
    let boss = format!("/staff/{}", list[0]["id"].as_str().unwrap());
    let (status, answer) = f.call(Method::PATCH, &boss, Some(&owner), Some(json!({"role": "admin"}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "the only owner cannot step down: {answer}");

    let (_, second) = f.add(&owner, "heir", "owner").await;
    assert_eq!(second["role"], "owner", "an owner makes another owner");
    let (status, me) = f.call(Method::PATCH, &boss, Some(&owner), Some(json!({"role": "admin"}))).await;
    assert_eq!(
        (status, me["role"].as_str()),
        (StatusCode::OK, Some("admin")),
        "with a second owner, the first may step down"
    );
}

#[tokio::test]
async fn a_new_password_or_a_remote_sign_out_ends_every_session() {
    let f = fixture().await;
    let owner = f.sign_in(OWNER_LOGIN, OWNER_PASSWORD).await.unwrap();
    let (_, agent) = f.add(&owner, "agent", "agent").await;
    let path = format!("/staff/{}", agent["id"].as_str().unwrap());
    let laptop = f.sign_in("agent", "staff password").await.unwrap();
    let phone = f.sign_in("agent", "staff password").await.unwrap();

    let (status, _) = f.call(Method::DELETE, &format!("{path}/sessions"), Some(&owner), None).await;
    assert_eq!(status, StatusCode::OK);
    for token in [&laptop, &phone] {
        let (status, _) = f.call(Method::GET, "/me", Some(token), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "every session of the agent is signed out");
    }

    let again = f.sign_in("agent", "staff password").await.unwrap();
    let (status, _) = f.call(Method::PATCH, &path, Some(&owner), Some(json!({"password": "a new password"}))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = f.call(Method::GET, "/me", Some(&again), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a new password signs the agent out");
    assert!(f.sign_in("agent", "staff password").await.is_none(), "the old password no longer works");
    assert!(f.sign_in("agent", "a new password").await.is_some(), "the new one does");
}
