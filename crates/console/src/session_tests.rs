//! Signing out ends the session where it lives: on the team server, and in
//! local mode on the embedded one.

use super::*;
use crate::tests::quiet;

#[tokio::test]
async fn local_sign_out_revokes_the_session_on_the_embedded_server() {
    let dir = tempfile::tempdir().unwrap();
    let console = Console::with_tokens(dir.path(), TokenStore::file_only(&dir.path().join("sessions")), quiet());
    console.start_local("Owner").await.unwrap();
    let token = console.tokens.load(&local_key()).expect("the local session is kept");
    let client = ServerClient::new(&console.local_server_url().await.unwrap()).unwrap();
    assert!(client.me(&token).await.is_ok(), "the session works while signed in");

    console.sign_out().await.unwrap();
    let after = client.me(&token).await.unwrap_err();
    assert!(after.is_unauthorized(), "the embedded server no longer takes the old token: {after:?}");
    assert!(console.tokens.load(&local_key()).is_none(), "and this computer forgot it");
    console.shutdown().await;
}
