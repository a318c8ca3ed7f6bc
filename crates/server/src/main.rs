//! The `wicket-server` command: run the merchant's gateway, or set it up.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use wicket_server::{open_storage_for, AppState, ServerConfig, ServerOptions, SystemClock};

/// Wicket's server: stores published layouts, subscribers and conversations,
/// applies the consoles' changes exactly once, and serves the change feed.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// The folder for the server's data (a SQLite database). Created if missing.
    #[arg(long, env = "WICKET_DATA", default_value = "wicket-data", global = true)]
    data: PathBuf,

    /// A PostgreSQL database to keep the data in instead of SQLite
    /// (`postgres://user:password@host:5432/wicket`), which several server
    /// processes can share. The data folder still holds the secrets key
    /// unless --secrets-key-file names another.
    #[arg(long, env = "WICKET_DATABASE", global = true)]
    database: Option<String>,

    /// The address to listen on. Use 0.0.0.0:8686 to accept other machines
    /// (behind TLS: put a reverse proxy in front).
    #[arg(long, env = "WICKET_LISTEN", default_value = "127.0.0.1:8686")]
    listen: SocketAddr,

    /// Turn the built-in sandbox platform off: the subscriber web app and its
    /// API under /s/ answer 404 (images staff send are still served).
    #[arg(long, env = "WICKET_NO_SANDBOX_PLATFORM")]
    no_sandbox_platform: bool,

    /// A reverse proxy sits in front: take the caller's address from the last
    /// X-Forwarded-For entry.
    #[arg(long, env = "WICKET_TRUST_PROXY")]
    trust_proxy: bool,

    /// Browsers reach the server over https (a proxy terminates TLS): the
    /// sandbox's cookie is Secure.
    #[arg(long, env = "WICKET_HTTPS")]
    https: bool,

    /// Requests one address may make to the sandbox's API (/s/api/…) a
    /// minute, and at once. Load tests on loopback, where every subscriber
    /// shares one address, raise it.
    #[arg(long, env = "WICKET_SANDBOX_REQUESTS_PER_MINUTE", default_value_t = ServerOptions::default().sandbox_requests_per_minute)]
    sandbox_requests_per_minute: u32,

    /// WeChat's API. Tests and demonstrations point it at the WeChat double.
    #[arg(long, env = "WICKET_WECHAT_API_BASE", default_value = wicket_server::wechat::DEFAULT_API_BASE)]
    wechat_api_base: String,

    /// Alipay's OpenAPI gateway. Tests and demonstrations point it at the Alipay double.
    #[arg(long, env = "WICKET_ALIPAY_API_BASE", default_value = wicket_server::alipay::DEFAULT_API_BASE)]
    alipay_api_base: String,

    /// The file holding the key that seals platform secrets (WeChat's
    /// AppSecret, Token, EncodingAESKey; Alipay's application private key) in the database. Made (mode 0600)
    /// when the first connection is saved; by default beside the data folder,
    /// `<data>.secrets-key`, so a copy of the folder does not carry the key.
    #[arg(long, env = "WICKET_SECRETS_KEY_FILE")]
    secrets_key_file: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Create the first owner: reads the password from standard input.
    CreateOwner {
        /// The sign-in name.
        #[arg(long)]
        login: String,
        /// The name colleagues see.
        #[arg(long, default_value = "")]
        display_name: String,
    },
    /// Bring the database (--database, else SQLite in --data) to this
    /// program's schema version, say which versions were applied, and exit.
    Migrate {
        /// Apply nothing: exit 0 when the database is at this program's
        /// version, 1 with a message naming both versions when it is not.
        #[arg(long)]
        check: bool,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info")),
        )
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::CreateOwner { login, display_name }) => {
            create_owner(cli.data, cli.database, &login, &display_name).await
        }
        Some(Command::Migrate { check: false }) => migrate(cli.data, cli.database).await,
        Some(Command::Migrate { check: true }) => check_schema(cli.data, cli.database).await,
        None => {
            let options = ServerOptions {
                trust_proxy: cli.trust_proxy,
                https: cli.https,
                sandbox_platform: !cli.no_sandbox_platform,
                sandbox_requests_per_minute: cli.sandbox_requests_per_minute,
                wechat_api_base: cli.wechat_api_base,
                alipay_api_base: cli.alipay_api_base,
                secrets_key_file: cli.secrets_key_file,
                ..ServerOptions::default()
            };
            serve(ServerConfig { data_dir: cli.data, listen: cli.listen }, cli.database, options).await
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("wicket-server: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(config: ServerConfig, database: Option<String>, options: ServerOptions) -> Result<(), String> {
    let storage = open_storage_for(&config.data_dir, database.as_deref()).await.map_err(|e| e.to_string())?;
    let server =
        wicket_server::start_on(storage, config, Arc::new(SystemClock), options).await.map_err(|e| e.to_string())?;
    // The handlers are installed before the line that says it listens, so a
    // supervisor that signals as soon as it reads that line stops it cleanly.
    let stop = shutdown_signal();
    println!("wicket-server listening on {}", server.base_url());
    stop.await;
    tracing::info!("shutting down: finishing requests in flight");
    server.stop().await;
    Ok(())
}

/// Installs the Ctrl-C (SIGINT) and SIGTERM handlers now, and returns the wait for either.
#[cfg(unix)]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let install = |kind: SignalKind, name: &'static str| {
        signal(kind).map_err(|e| tracing::warn!(error = %e, "cannot listen for {name}")).ok()
    };
    let (mut interrupt, mut terminate) =
        (install(SignalKind::interrupt(), "Ctrl-C"), install(SignalKind::terminate(), "SIGTERM"));
    async move {
        tokio::select! {
            () = wait_for(interrupt.as_mut()) => {},
            () = wait_for(terminate.as_mut()) => {},
        }
    }
}

/// Waits for the signal, or forever when its handler could not be installed.
#[cfg(unix)]
async fn wait_for(signal: Option<&mut tokio::signal::unix::Signal>) {
    match signal {
        Some(signal) => {
            signal.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}

#[cfg(not(unix))]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    }
}

async fn migrate(data: PathBuf, database: Option<String>) -> Result<(), String> {
    let applied = wicket_server::migrate_storage(&data, database.as_deref()).await.map_err(|e| e.to_string())?;
    let (current, _) = wicket_server::schema_versions(&data, database.as_deref()).await.map_err(|e| e.to_string())?;
    if applied.is_empty() {
        println!("the database is at schema version {current}: nothing to apply");
    } else {
        let versions: Vec<String> = applied.iter().map(i64::to_string).collect();
        println!("applied migrations {}; the database is at schema version {current}", versions.join(", "));
    }
    Ok(())
}

async fn check_schema(data: PathBuf, database: Option<String>) -> Result<(), String> {
    let (current, known) =
        wicket_server::schema_versions(&data, database.as_deref()).await.map_err(|e| e.to_string())?;
    match current.cmp(&known) {
        std::cmp::Ordering::Equal => {
            println!("the database is at schema version {current}, this program's");
            Ok(())
        }
        std::cmp::Ordering::Less => Err(format!(
            "the database is at schema version {current}, behind this program's {known}: \
             run `wicket-server migrate` to apply {}",
            if current + 1 == known {
                format!("version {known}")
            } else {
                format!("versions {}–{known}", current + 1)
            }
        )),
        std::cmp::Ordering::Greater => Err(format!(
            "the database is at schema version {current}, ahead of this program's {known}: run a newer wicket-server"
        )),
    }
}

async fn create_owner(data: PathBuf, database: Option<String>, login: &str, display_name: &str) -> Result<(), String> {
    let storage = open_storage_for(&data, database.as_deref()).await.map_err(|e| e.to_string())?;
    let state = AppState::new(storage, Arc::new(SystemClock));
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password).map_err(|e| format!("cannot read the password: {e}"))?;
    let password = password.trim_end_matches(['\r', '\n']);
    if password.chars().count() < 8 {
        return Err("the password needs at least 8 characters".into());
    }
    let owner = state.create_owner(login, display_name, password).await.map_err(|e| e.0.message)?;
    println!("created owner {} ({})", owner.login, owner.display_name);
    Ok(())
}
