//! `wechat-double --listen 127.0.0.1:0`: serves the WeChat double and prints its address
//! (`listening on http://127.0.0.1:PORT`) so a test or a demonstration can point Wicket at it.

use std::net::SocketAddr;

use clap::Parser;
use wicket_wechat_double::Double;

#[derive(Parser)]
#[command(about = "A WeChat official-account API double on loopback, for tests and demonstrations")]
struct Args {
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let running = Double::new().serve(args.listen).await?;
    println!("listening on {}", running.base_url());
    tokio::signal::ctrl_c().await?;
    Ok(())
}
