//! `alipay-double --listen 127.0.0.1:0`: serves the Alipay double and prints its address and its
//! Alipay public key, so a test or a demonstration can point Wicket at it.

use std::net::SocketAddr;

use clap::Parser;
use wicket_alipay_double::Double;

#[derive(Parser)]
#[command(about = "An Alipay 生活号 OpenAPI gateway double on loopback, for tests and demonstrations")]
struct Args {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// A file holding the private key to sign with as Alipay (PEM or bare base64); a new 2048-bit
    /// key is made when absent.
    #[arg(long)]
    alipay_private_key: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let double = match &args.alipay_private_key {
        Some(path) => {
            let text = std::fs::read_to_string(path)?;
            let key = wicket_alipay::keys::PrivateKey::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            Double::with_alipay_key(key)
        }
        None => Double::new(),
    };
    let running = double.serve(args.listen).await?;
    println!("listening on {}", running.base_url());
    println!("gateway {}", running.gateway_url());
    println!("alipay public key {}", running.alipay_public_key_base64());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
