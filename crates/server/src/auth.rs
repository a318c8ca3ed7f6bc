//! Staff authentication: argon2 password hashes, bearer tokens stored only as
//! SHA-256, and the extractor every console route uses.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use rand::RngCore;
use sha2::{Digest, Sha256};
use wicket_model::{Permission, StaffUser};

use crate::error::ApiError;
use crate::AppState;

/// How long a session lasts without signing in again.
pub const SESSION_DAYS: i64 = 30;

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| ApiError::new(wicket_model::ErrorCode::Internal, format!("cannot hash the password: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// `hash_password` on the blocking pool: argon2 takes tens of milliseconds
/// of CPU, which must not stall the async workers.
pub async fn hash_password_off_thread(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::new(wicket_model::ErrorCode::Internal, format!("cannot hash the password: {e}")))?
}

/// Checks a sign-in's password on the blocking pool. With no hash (no such
/// staff member) it checks against a fixed hash of the same strength, so an
/// unknown name costs what a known one does and answers as slowly.
pub async fn check_password_off_thread(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_owned());
        verify_password(&password, &hash) && known
    })
    .await
    .unwrap_or(false)
}

/// The argon2id hash (default parameters, as `hash_password` makes) of a
/// password nobody has: what unknown sign-in names are checked against.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$d2lja2V0LWR1bW15LXNhbHQ$8nQ0S1yUqf3+1Vf6m6P0bQ0m1m4mVnQ3kKzXo8pQw2c";

/// The form of a sign-in name that sign-in and uniqueness compare: trimmed
/// and case-folded over all of Unicode ("ÉLODIE" and "élodie" are one name,
/// as are "STRASSE" and "straße").
pub fn login_key(login: &str) -> String {
    login.trim().to_uppercase().to_lowercase()
}

/// A hash that no password matches, for accounts that sign in otherwise
/// (the owner of a local-mode console) and for timing-safe misses.
pub fn unusable_password_hash() -> Result<String, ApiError> {
    let mut random = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut random);
    hash_password(&hex::encode(random))
}

/// A new bearer token and the hash that is stored for it.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The signed-in staff member of a request, with the hash of their token.
pub struct Staff {
    pub user: StaffUser,
    pub token_hash: String,
}

impl Staff {
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.user.role.allows(permission) {
            Ok(())
        } else {
            Err(ApiError::forbidden())
        }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(ApiError::unauthorized)?;
        let token = header.strip_prefix("Bearer ").ok_or_else(ApiError::unauthorized)?;
        let token_hash = token_hash(token.trim());
        let user = state.storage.session(&token_hash, state.clock.now()).await?.ok_or_else(ApiError::unauthorized)?;
        Ok(Staff { user, token_hash })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash), "a wrong password fails");
        assert!(!verify_password("x", "not a hash"), "a broken hash never matches");
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does() {
        let real = hash_password("anything").unwrap();
        let (real, dummy) = (PasswordHash::new(&real).unwrap(), PasswordHash::new(DUMMY_HASH).unwrap());
        assert_eq!(real.algorithm, dummy.algorithm);
        assert_eq!(real.params, dummy.params, "the same memory, time and parallelism");
        assert_eq!(real.hash.map(|h| h.len()), dummy.hash.map(|h| h.len()));
        assert!(!verify_password("", DUMMY_HASH));
    }

    #[test]
    fn sign_in_names_fold_case_over_unicode() {
        assert_eq!(login_key(" ÉLODIE "), login_key("élodie"));
        assert_eq!(login_key("STRASSE"), login_key("straße"));
        assert_eq!(login_key("ΟΔΥΣΣΕΥΣ"), login_key("οδυσσευς"));
        assert_ne!(login_key("elodie"), login_key("élodie"));
    }

    #[test]
    fn tokens_are_stored_only_as_their_hash() {
        let (token, hash) = new_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token, hash);
        assert_eq!(token_hash(&token), hash);
    }
}
