//! The retry policy of the official SDKs (Stainless): which failures are retried, and how
//! long to wait before the next attempt.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// The default number of retries after the first attempt (that of the Go, Java and CLI
/// SDKs, and of the Python/TypeScript documentation).
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The first backoff delay, doubled after each retry.
const INITIAL_DELAY_SECS: f64 = 0.5;
/// The longest backoff delay.
const MAX_DELAY_SECS: f64 = 8.0;
/// A server-given delay is honoured only up to this long.
const MAX_SERVER_DELAY_SECS: f64 = 60.0;

/// Whether a response with `status` is retried: `x-should-retry: true`/`false` decides
/// first; otherwise 408, 409, 429 and every status >= 500 are.
pub fn should_retry_status(status: u16, x_should_retry: Option<&str>) -> bool {
    match x_should_retry {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    matches!(status, 408 | 409 | 429) || status >= 500
}

/// The delay the server asks for: `retry-after-ms` (milliseconds, may be fractional), else
/// `retry-after` as seconds (may be fractional) or as an HTTP date (relative to `now`).
/// `None` when absent, unparsable or outside (0, 60] seconds, in which case the backoff
/// applies.
pub fn server_delay(
    retry_after_ms: Option<&str>,
    retry_after: Option<&str>,
    now: SystemTime,
) -> Option<Duration> {
    let seconds = if let Some(ms) = retry_after_ms.and_then(parse_float) {
        Some(ms / 1000.0)
    } else if let Some(value) = retry_after {
        parse_float(value).or_else(|| {
            let date = httpdate::parse_http_date(value.trim()).ok()?;
            Some(match date.duration_since(now) {
                Ok(ahead) => ahead.as_secs_f64(),
                Err(behind) => -behind.duration().as_secs_f64(),
            })
        })
    } else {
        None
    }?;
    (seconds > 0.0 && seconds <= MAX_SERVER_DELAY_SECS).then(|| Duration::from_secs_f64(seconds))
}

/// The backoff before retry number `retries_taken + 1`: `min(0.5 * 2^n, 8)` seconds times
/// `jitter`, which must be in [0.75, 1].
pub fn backoff(retries_taken: u32, jitter: f64) -> Duration {
    let base = (INITIAL_DELAY_SECS * 2f64.powi(retries_taken.min(1000) as i32)).min(MAX_DELAY_SECS);
    Duration::from_secs_f64((base * jitter.clamp(0.75, 1.0)).max(0.0))
}

fn parse_float(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Jitter factors in [0.75, 1]: a xorshift64* generator with a random seed. Not for
/// cryptography, only to spread retries of many clients.
#[derive(Debug)]
pub struct Jitter(AtomicU64);

impl Jitter {
    /// A generator seeded from the standard library's per-process random hash keys.
    pub fn new() -> Self {
        use std::hash::{BuildHasher, Hasher};
        let seed = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Self(AtomicU64::new(seed | 1))
    }

    /// The next factor, uniformly in [0.75, 1].
    pub fn next(&self) -> f64 {
        let mut x = self.0.load(Ordering::Relaxed);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0.store(x, Ordering::Relaxed);
        let unit = (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64;
        1.0 - 0.25 * unit
    }
}

impl Default for Jitter {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision() {
        for status in [408, 409, 429, 500, 502, 503, 504, 599] {
            assert!(should_retry_status(status, None), "{status}");
            assert!(!should_retry_status(status, Some("false")), "{status}");
        }
        for status in [400, 401, 403, 404, 422, 418, 301] {
            assert!(!should_retry_status(status, None), "{status}");
            assert!(should_retry_status(status, Some("true")), "{status}");
        }
        // Anything else than "true"/"false" falls back to the status rule.
        assert!(should_retry_status(503, Some("maybe")));
        assert!(!should_retry_status(404, Some("TRUE")));
    }

    #[test]
    fn server_delays() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let d = |ms: Option<&str>, s: Option<&str>| server_delay(ms, s, now);
        assert_eq!(d(Some("1500"), None), Some(Duration::from_millis(1500)));
        assert_eq!(d(Some("0.5"), Some("30")), Some(Duration::from_micros(500)));
        assert_eq!(d(None, Some("2")), Some(Duration::from_secs(2)));
        assert_eq!(d(None, Some(" 1.25 ")), Some(Duration::from_millis(1250)));
        assert_eq!(d(None, Some("60")), Some(Duration::from_secs(60)));
        // Out of (0, 60]: the backoff applies.
        assert_eq!(d(None, Some("61")), None);
        assert_eq!(d(None, Some("0")), None);
        assert_eq!(d(None, Some("-1")), None);
        assert_eq!(d(Some("60001"), None), None);
        assert_eq!(d(None, Some("NaN")), None);
        assert_eq!(d(None, Some("soon")), None);
        assert_eq!(d(None, None), None);
        // retry-after-ms unparsable: retry-after is used.
        assert_eq!(d(Some("x"), Some("3")), Some(Duration::from_secs(3)));
        // HTTP dates, relative to now.
        let in_10s = httpdate::fmt_http_date(now + Duration::from_secs(10));
        assert_eq!(d(None, Some(&in_10s)), Some(Duration::from_secs(10)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(10));
        assert_eq!(d(None, Some(&past)), None);
        let far = httpdate::fmt_http_date(now + Duration::from_secs(600));
        assert_eq!(d(None, Some(&far)), None);
    }

    #[test]
    fn backoff_doubles_up_to_8s() {
        let secs = |n| backoff(n, 1.0).as_secs_f64();
        assert_eq!(
            [
                secs(0),
                secs(1),
                secs(2),
                secs(3),
                secs(4),
                secs(5),
                secs(99)
            ],
            [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
        );
        assert_eq!(backoff(0, 0.75), Duration::from_millis(375));
        assert_eq!(backoff(u32::MAX, 0.75), Duration::from_secs(6));
    }

    #[test]
    fn jitter_stays_in_range_and_varies() {
        let j = Jitter::new();
        let values: Vec<f64> = (0..10_000).map(|_| j.next()).collect();
        assert!(values.iter().all(|v| (0.75..=1.0).contains(v)));
        let min = values.iter().cloned().fold(1.0, f64::min);
        let max = values.iter().cloned().fold(0.0, f64::max);
        assert!(min < 0.76 && max > 0.99, "{min} {max}");
    }
}
