//! Who is asking, and how often they may: the caller's address (from the
//! socket, or from a trusted reverse proxy) and the rate limits keyed by it.
//! Every keyed limiter here is bounded: keys are short, and entries that
//! have recovered their full burst are evicted once a limiter grows.

use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::AppState;

/// A keyed limiter past this many entries drops the ones that have recovered.
const EVICT_ABOVE: usize = 10_000;

/// The caller's address: the socket's peer, or — when the server is told it
/// sits behind a reverse proxy — the address the proxy saw
/// (the last `X-Forwarded-For` entry). IPv6 callers count per /64, which is
/// what one subscriber line gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    pub fn of(parts: &Parts, trust_proxy: bool) -> Self {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        let forwarded = trust_proxy.then(|| forwarded_for(&parts.headers)).flatten();
        let ip = forwarded.or(peer).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        ClientAddr(network_of(ip))
    }
}

fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let last = headers.get_all("x-forwarded-for").iter().next_back()?;
    last.to_str().ok()?.rsplit(',').next()?.trim().parse().ok()
}

fn network_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr::of(parts, state.options.trust_proxy))
    }
}

/// How long to wait, as `Retry-After` says it (whole seconds, at least 1).
pub fn retry_after(wait: Duration) -> HeaderValue {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    HeaderValue::from(seconds.max(1))
}

fn quota(per_minute: u32, burst: u32) -> Quota {
    let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(per_minute).allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
}

/// A keyed limiter that evicts recovered entries when it grows.
pub struct Keyed<K: Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
}

impl<K: Hash + Eq + Clone> Keyed<K> {
    pub fn new(quota: Quota) -> Self {
        Self { limiter: RateLimiter::keyed(quota) }
    }

    /// `Err(wait)` when `key` has to wait.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        if self.limiter.len() > EVICT_ABOVE {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter.check_key(key).map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }

    /// `check` for `n` cells at once; more than the burst always waits.
    pub fn check_n(&self, key: &K, n: NonZeroU32) -> Result<(), Duration> {
        if self.limiter.len() > EVICT_ABOVE {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        match self.limiter.check_key_n(key, n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(not_until.wait_time_from(DefaultClock::default().now())),
            Err(_insufficient) => Err(Duration::from_secs(60)),
        }
    }

    pub fn len(&self) -> usize {
        self.limiter.len()
    }

    pub fn is_empty(&self) -> bool {
        self.limiter.is_empty()
    }
}

fn check_direct(limiter: &DefaultDirectRateLimiter) -> Result<(), Duration> {
    limiter.check().map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
}

/// Sign-in attempts. Each (sign-in name, address) pair has its own budget, so
/// failing a colleague's name from elsewhere never locks them out; each
/// address and the server as a whole have a larger one, which bounds the
/// password hashing anyone can make the server do.
pub struct SignInLimits {
    per_login: Keyed<(String, ClientAddr)>,
    per_address: Keyed<ClientAddr>,
    total: DefaultDirectRateLimiter,
}

/// Per (sign-in name, address): a burst of 10, then one every 6 s.
pub const SIGN_IN_PER_LOGIN: u32 = 10;
/// Per address: a burst of 60, then one a second.
pub const SIGN_IN_PER_ADDRESS: u32 = 60;
/// The whole server: a burst of 120, then five a second.
pub const SIGN_IN_TOTAL: u32 = 300;

impl Default for SignInLimits {
    fn default() -> Self {
        Self {
            per_login: Keyed::new(quota(SIGN_IN_PER_LOGIN, SIGN_IN_PER_LOGIN)),
            per_address: Keyed::new(quota(SIGN_IN_PER_ADDRESS, SIGN_IN_PER_ADDRESS)),
            total: RateLimiter::direct(quota(SIGN_IN_TOTAL, 120)),
        }
    }
}

impl SignInLimits {
    /// `login_key` is the folded sign-in name; only its first
    /// `LOGIN_MAX_CHARS` characters are kept.
    pub fn check(&self, login_key: &str, addr: ClientAddr) -> Result<(), Duration> {
        self.per_address.check(&addr)?;
        check_direct(&self.total)?;
        let login: String = login_key.chars().take(wicket_model::staff::LOGIN_MAX_CHARS).collect();
        self.per_login.check(&(login, addr))
    }

    /// [`SignInLimits::check`], and then the same budgets shared by the
    /// processes on the storage, when it shares them (PostgreSQL): so
    /// several processes behind a load balancer allow no more attempts
    /// than one. A storage failure leaves the shared budgets out (the
    /// sign-in then fails on the storage anyway).
    pub async fn check_shared(
        &self,
        storage: &dyn crate::storage::Storage,
        login_key: &str,
        addr: ClientAddr,
    ) -> Result<(), Duration> {
        self.check(login_key, addr)?;
        let login: String = login_key.chars().take(wicket_model::staff::LOGIN_MAX_CHARS).collect();
        let budgets = [
            (format!("sign-in:address:{}", addr.0), SIGN_IN_PER_ADDRESS, 60_000 / SIGN_IN_PER_ADDRESS),
            ("sign-in:total".to_owned(), 120, 60_000 / SIGN_IN_TOTAL),
            (format!("sign-in:login:{}:{login}", addr.0), SIGN_IN_PER_LOGIN, 60_000 / SIGN_IN_PER_LOGIN),
        ];
        for (key, burst, every_ms) in budgets {
            match storage.take_shared_budget(&key, burst, Duration::from_millis(u64::from(every_ms))).await {
                Ok(None) => return Ok(()),
                Ok(Some(taken)) => taken?,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot count a sign-in attempt in the shared budget");
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// How many (name, address) pairs are tracked.
    pub fn tracked(&self) -> usize {
        self.per_login.len()
    }
}

/// The public sandbox endpoints: requests and request bytes per address, and
/// image bytes per visitor.
pub struct SandboxLimits {
    requests: Keyed<ClientAddr>,
    kib: Keyed<ClientAddr>,
    image_bytes: Keyed<String>,
}

impl SandboxLimits {
    pub fn new(options: &crate::ServerOptions) -> Self {
        let per_hour = NonZeroU32::new(options.sandbox_visitor_image_bytes_per_hour).unwrap_or(NonZeroU32::MIN);
        let hourly = Quota::with_period(Duration::from_secs(3600) / per_hour.get())
            .unwrap_or(Quota::per_second(per_hour))
            .allow_burst(per_hour);
        Self {
            requests: Keyed::new(quota(options.sandbox_requests_per_minute, options.sandbox_requests_per_minute)),
            kib: Keyed::new(quota(options.sandbox_kib_per_minute, options.sandbox_kib_per_minute)),
            image_bytes: Keyed::new(hourly),
        }
    }

    /// One request from `addr` with a body of `body_bytes`.
    pub fn check_request(&self, addr: ClientAddr, body_bytes: u64) -> Result<(), Duration> {
        self.requests.check(&addr)?;
        let kib = u32::try_from(body_bytes.div_ceil(1024)).unwrap_or(u32::MAX);
        match NonZeroU32::new(kib) {
            None => Ok(()),
            Some(kib) => self.kib.check_n(&addr, kib),
        }
    }

    /// An image of `bytes` from the sandbox visitor `user_id`.
    pub fn check_image(&self, user_id: &str, bytes: usize) -> Result<(), Duration> {
        let n = NonZeroU32::new(u32::try_from(bytes).unwrap_or(u32::MAX)).unwrap_or(NonZeroU32::MIN);
        self.image_bytes.check_n(&user_id.to_owned(), n)
    }
}
