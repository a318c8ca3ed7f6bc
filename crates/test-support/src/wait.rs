//! Waiting until something holds, bounded, and saying what was awaited.

use std::time::{Duration, Instant};

/// What a check finds: `true`, or `Some(value)`.
pub trait Found {
    type Value;
    fn found(self) -> Option<Self::Value>;
}

impl Found for bool {
    type Value = ();
    fn found(self) -> Option<()> {
        self.then_some(())
    }
}

impl<T> Found for Option<T> {
    type Value = T;
    fn found(self) -> Option<T> {
        self
    }
}

/// How long to rest between two checks.
const PAUSE: Duration = Duration::from_millis(50);

/// Checks again and again until `check` finds something (`true` or
/// `Some`), at most for `timeout`, and gives back what it found. Past the
/// timeout it panics with "timed out after …s waiting until {what}", so
/// `what` should say the awaited state in words ("the reply shows as sent").
///
/// `check` is an async closure (`async || …`) or a closure returning a
/// future (`|| async { … }`).
pub async fn eventually<R: Found>(what: &str, timeout: Duration, mut check: impl AsyncFnMut() -> R) -> R::Value {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = check().await.found() {
            return found;
        }
        if Instant::now() >= deadline {
            panic!("timed out after {}s waiting until {what}", timeout.as_secs_f32());
        }
        tokio::time::sleep(PAUSE).await;
    }
}

/// [`eventually`] for code without an async runtime (a process starting, a
/// file appearing); it blocks the thread between checks.
pub fn eventually_blocking<T: Found>(what: &str, timeout: Duration, mut check: impl FnMut() -> T) -> T::Value {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = check().found() {
            return found;
        }
        if Instant::now() >= deadline {
            panic!("timed out after {}s waiting until {what}", timeout.as_secs_f32());
        }
        std::thread::sleep(PAUSE);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn gives_back_what_the_check_found() {
        let mut tries = 0;
        let found = eventually("the third try", Duration::from_secs(5), || {
            tries += 1;
            let now = tries;
            async move { (now == 3).then_some(now) }
        })
        .await;
        assert_eq!(found, 3);
    }

    #[tokio::test]
    #[should_panic(expected = "waiting until the sky is green")]
    async fn a_timeout_says_what_was_awaited() {
        eventually("the sky is green", Duration::from_millis(120), || async { false }).await;
    }

    #[test]
    #[should_panic(expected = "waiting until the file appears")]
    fn the_blocking_timeout_says_what_was_awaited() {
        eventually_blocking("the file appears", Duration::from_millis(120), || None::<()>);
    }
}
