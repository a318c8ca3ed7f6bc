//! Updates, offered and never forced. Where updates come from is
//! configuration: `plugins.updater` in tauri.conf.json (endpoints and the
//! minisign public key), which `WICKET_UPDATE_ENDPOINTS` (space or comma
//! separated URLs) and `WICKET_UPDATE_PUBKEY` replace when set at start. With
//! no endpoint or no key, updates are "not set up" and nothing is fetched.
//!
//! Staff first check (`check`): the update found is kept here until they
//! choose "Install and restart" (`install`), which downloads the package,
//! installs it only if its signature verifies against the configured key
//! (and, with `requireSignedVersion`, was signed for the version offered),
//! then restarts. Any failure leaves the installed console and the offer as
//! they were.

use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, Runtime, Url};
use tauri_plugin_updater::{Error as UpdaterError, Update, UpdaterExt};

/// Replaces the configured endpoints: URLs separated by spaces or commas.
pub const ENDPOINTS_VAR: &str = "WICKET_UPDATE_ENDPOINTS";
/// Replaces the configured public key (the `.pub` file's base64 text).
pub const PUBKEY_VAR: &str = "WICKET_UPDATE_PUBKEY";

/// An update the staff may install.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct UpdateOffer {
    pub version: String,
    /// The release notes, as the manifest gives them.
    pub notes: Option<String>,
    /// When it was published (RFC 3339).
    pub date: Option<String>,
}

/// What the Updates section shows before any check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct UpdateSetup {
    pub current_version: String,
    /// Whether an endpoint and a public key are configured.
    pub configured: bool,
}

/// Why a check or an install did not go through; the UI words each one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum UpdateProblem {
    /// No endpoint or no public key is configured.
    NotSetUp,
    /// The update server could not be reached or did not answer.
    Network,
    /// The server's answer is not a usable update manifest.
    BadManifest,
    /// The package or its signature does not verify against the key.
    BadSignature,
    /// Install was asked for with no update offered.
    NothingOffered,
    /// The verified package could not be installed.
    InstallFailed,
}

/// A failed check or install: what kind, and the details for a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct UpdateError {
    pub problem: UpdateProblem,
    pub detail: String,
}

impl UpdateError {
    fn new(problem: UpdateProblem, detail: impl Into<String>) -> Self {
        Self { problem, detail: detail.into() }
    }
}

impl From<UpdaterError> for UpdateError {
    fn from(e: UpdaterError) -> Self {
        use UpdaterError as E;
        let problem = match &e {
            E::EmptyEndpoints => UpdateProblem::NotSetUp,
            E::Reqwest(_) | E::Network(_) | E::ReleaseNotFound | E::InsecureTransportProtocol => UpdateProblem::Network,
            E::Minisign(_)
            | E::Base64(_)
            | E::SignatureUtf8(_)
            | E::SignedVersionMismatch { .. }
            | E::MissingSignedVersion => UpdateProblem::BadSignature,
            E::Serialization(_) | E::Semver(_) | E::UrlParse(_) | E::TargetNotFound(_) | E::TargetsNotFound(_) => {
                UpdateProblem::BadManifest
            }
            _ => UpdateProblem::InstallFailed,
        };
        Self::new(problem, e.to_string())
    }
}

/// Where updates come from, settled at start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateSource {
    pub endpoints: Vec<Url>,
    pub pubkey: String,
}

impl UpdateSource {
    /// The `plugins.updater` configuration, replaced by the environment
    /// variables that are set. An endpoint that is not a URL is left out
    /// (and logged), so a bad one never points the console elsewhere.
    pub fn resolve(config: Option<&serde_json::Value>, endpoints_var: Option<&str>, pubkey_var: Option<&str>) -> Self {
        let configured_endpoints = config
            .and_then(|c| c.get("endpoints"))
            .and_then(|e| e.as_array())
            .map(|list| list.iter().filter_map(|e| e.as_str().map(str::to_owned)).collect::<Vec<_>>())
            .unwrap_or_default();
        let endpoints = match endpoints_var {
            Some(text) => {
                text.split([' ', ',', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
            }
            None => configured_endpoints,
        };
        let endpoints = endpoints
            .iter()
            .filter_map(|e| match Url::parse(e) {
                Ok(url) => Some(url),
                Err(err) => {
                    tracing::warn!(endpoint = %e, error = %err, "an update endpoint is not a URL; leaving it out");
                    None
                }
            })
            .collect();
        let pubkey = match pubkey_var {
            Some(key) => key.trim().to_owned(),
            None => config.and_then(|c| c.get("pubkey")).and_then(|k| k.as_str()).unwrap_or("").trim().to_owned(),
        };
        Self { endpoints, pubkey }
    }

    pub fn configured(&self) -> bool {
        !self.endpoints.is_empty() && !self.pubkey.is_empty()
    }
}

/// The source and the update found by the last check, until installed.
pub struct Updates {
    source: UpdateSource,
    found: Mutex<Option<Update>>,
}

impl Updates {
    pub fn new(source: UpdateSource) -> Self {
        Self { source, found: Mutex::new(None) }
    }

    fn found(&self) -> std::sync::MutexGuard<'_, Option<Update>> {
        self.found.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The console's update state, made from the configuration on first use
/// (lib.rs registers tauri-plugin-updater, whose own JavaScript commands the
/// window is not granted).
fn updates<R: Runtime>(app: &AppHandle<R>) -> tauri::State<'_, Updates> {
    if app.try_state::<Updates>().is_none() {
        let config = app.config().plugins.0.get("updater");
        let endpoints = std::env::var(ENDPOINTS_VAR).ok();
        let pubkey = std::env::var(PUBKEY_VAR).ok();
        // A concurrent first call may have managed it meanwhile: then this one is dropped.
        app.manage(Updates::new(UpdateSource::resolve(config, endpoints.as_deref(), pubkey.as_deref())));
    }
    app.state::<Updates>()
}

pub fn setup<R: Runtime>(app: &AppHandle<R>) -> UpdateSetup {
    UpdateSetup {
        current_version: app.package_info().version.to_string(),
        configured: updates(app).source.configured(),
    }
}

fn offer_of(update: &Update) -> UpdateOffer {
    let date = update.date.and_then(|d| d.format(&time::format_description::well_known::Rfc3339).ok());
    UpdateOffer { version: update.version.clone(), notes: update.body.clone(), date }
}

/// Asks the endpoints for a newer version. A failure keeps the last offer.
pub async fn check<R: Runtime>(app: &AppHandle<R>) -> Result<Option<UpdateOffer>, UpdateError> {
    let state = updates(app);
    if !state.source.configured() {
        return Err(UpdateError::new(UpdateProblem::NotSetUp, "no update endpoint or public key is configured"));
    }
    let updater =
        app.updater_builder().endpoints(state.source.endpoints.clone())?.pubkey(state.source.pubkey.clone()).build()?;
    let update = updater.check().await?;
    let offer = update.as_ref().map(offer_of);
    *state.found() = update;
    Ok(offer)
}

/// Downloads the offered update and hands the package to `apply` only once
/// its signature verified. The offer stays until `apply` succeeded.
pub async fn download_and_apply<R, F>(app: &AppHandle<R>, apply: F) -> Result<(), UpdateError>
where
    R: Runtime,
    F: FnOnce(&Update, Vec<u8>) -> Result<(), UpdaterError>,
{
    let state = updates(app);
    let Some(update) = state.found().clone() else {
        return Err(UpdateError::new(UpdateProblem::NothingOffered, "check for updates first"));
    };
    // `download` verifies the bytes against the signature and the key.
    let package = update.download(|_, _| {}, || {}).await?;
    apply(&update, package)?;
    *state.found() = None;
    Ok(())
}

/// Installs the offered update (verifying it again) and restarts.
pub async fn install<R: Runtime>(app: &AppHandle<R>) -> Result<(), UpdateError> {
    download_and_apply(app, |update, package| update.install(package)).await?;
    tracing::info!("update installed; restarting");
    app.request_restart();
    Ok(())
}

#[cfg(test)]
#[path = "updates_tests.rs"]
mod tests;
