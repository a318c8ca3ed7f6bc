//! The replay window: a signed callback is only as fresh as its `timestamp` says.
//!
//! The signature covers the timestamp, so a captured request can be replayed unchanged but not
//! re-dated. Refusing timestamps far from now bounds how long a capture stays useful. WeChat
//! retries a callback within about 15 seconds; the window must be much wider than that.

/// Five minutes either way, as most webhook verifiers do.
pub const DEFAULT_REPLAY_WINDOW_SECS: u32 = 300;

/// Why a callback's timestamp was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("the timestamp {0:?} is not a number of seconds")]
    NotANumber(String),
    #[error("the request was signed {age_secs} s ago, longer than the {window_secs} s accepted")]
    TooOld { age_secs: i64, window_secs: u32 },
    #[error("the request is dated {ahead_secs} s in the future, more than the {window_secs} s accepted")]
    InFuture { ahead_secs: i64, window_secs: u32 },
}

/// Checks `timestamp` (Unix seconds, as WeChat sends it) against `now_unix`; returns it parsed.
pub fn check_timestamp(timestamp: &str, now_unix: i64, window_secs: u32) -> Result<i64, ReplayError> {
    let ts: i64 =
        timestamp.trim().parse().map_err(|_| ReplayError::NotANumber(timestamp.chars().take(32).collect()))?;
    let window = i64::from(window_secs);
    let age = now_unix.saturating_sub(ts);
    if age > window {
        return Err(ReplayError::TooOld { age_secs: age, window_secs });
    }
    if age < -window {
        return Err(ReplayError::InFuture { ahead_secs: -age, window_secs });
    }
    Ok(ts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_409_304_348;

    #[test]
    fn inside_the_window_is_accepted_at_both_edges() {
        assert_eq!(check_timestamp("1409304348", NOW, 300), Ok(NOW));
        assert_eq!(check_timestamp("1409304048", NOW, 300), Ok(NOW - 300), "exactly the window old");
        assert_eq!(check_timestamp("1409304648", NOW, 300), Ok(NOW + 300), "exactly the window ahead");
    }

    #[test]
    fn outside_the_window_is_refused_with_the_reason() {
        assert_eq!(
            check_timestamp("1409304047", NOW, 300),
            Err(ReplayError::TooOld { age_secs: 301, window_secs: 300 })
        );
        assert_eq!(
            check_timestamp("1409304649", NOW, 300),
            Err(ReplayError::InFuture { ahead_secs: 301, window_secs: 300 })
        );
    }

    #[test]
    fn garbage_and_extremes_do_not_overflow() {
        assert_eq!(check_timestamp("abc", NOW, 300), Err(ReplayError::NotANumber("abc".into())));
        assert_eq!(check_timestamp("", NOW, 300), Err(ReplayError::NotANumber(String::new())));
        assert!(matches!(check_timestamp(&i64::MIN.to_string(), NOW, 300), Err(ReplayError::TooOld { .. })));
        assert!(matches!(check_timestamp(&i64::MAX.to_string(), NOW, 300), Err(ReplayError::InFuture { .. })));
    }
}
