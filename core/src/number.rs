//! Decoding of validated JSON number text into `u64`, `i64` and `f64`, and the [`Number`]
//! types that keep a number as written until it is asked for.

use core::fmt;

use serde::de::{Deserialize, Deserializer, Visitor};

/// Why a JSON value could not be read as the requested number type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// The value is not a number.
    NotANumber,
    /// The number has a fraction or an exponent where an integer is required.
    NotAnInteger,
    /// The number does not fit the target type.
    OutOfRange,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumberError::NotANumber => "not a number",
            NumberError::NotAnInteger => "not an integer",
            NumberError::OutOfRange => "number out of range",
        })
    }
}

impl core::error::Error for NumberError {}

/// Splits validated number text into (negative, integer digits), or `NotAnInteger`.
fn integer_digits(text: &str) -> Result<(bool, &[u8]), NumberError> {
    if text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E')) {
        return Err(NumberError::NotAnInteger);
    }
    match text.strip_prefix('-') {
        Some(digits) => Ok((true, digits.as_bytes())),
        None => Ok((false, text.as_bytes())),
    }
}

fn magnitude(digits: &[u8]) -> Result<u64, NumberError> {
    if digits.is_empty() {
        return Err(NumberError::NotANumber);
    }
    digits.iter().try_fold(0u64, |acc, &d| {
        if !d.is_ascii_digit() {
            return Err(NumberError::NotANumber);
        }
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or(NumberError::OutOfRange)
    })
}

/// Parses validated JSON number text as `u64` (`-0` is 0; other negatives are out of range).
pub(crate) fn parse_u64(text: &str) -> Result<u64, NumberError> {
    let (negative, digits) = integer_digits(text)?;
    let m = magnitude(digits)?;
    if negative && m != 0 {
        return Err(NumberError::OutOfRange);
    }
    Ok(m)
}

/// Parses validated JSON number text as `i64`.
pub(crate) fn parse_i64(text: &str) -> Result<i64, NumberError> {
    let (negative, digits) = integer_digits(text)?;
    let m = magnitude(digits)?;
    if negative {
        0i64.checked_sub_unsigned(m).ok_or(NumberError::OutOfRange)
    } else {
        i64::try_from(m).map_err(|_| NumberError::OutOfRange)
    }
}

/// Parses validated JSON number text as a finite `f64` (correctly rounded by `core`).
pub(crate) fn parse_f64(text: &str) -> Result<f64, NumberError> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(NumberError::OutOfRange),
        Err(_) => Err(NumberError::NotANumber),
    }
}

/// A JSON number exactly as written, validated (grammar, and a finite `f64`) but not
/// converted: [`as_f64`](Self::as_f64), [`as_u64`](Self::as_u64) and
/// [`as_i64`](Self::as_i64) convert on request, so firmware that never reads the value does
/// not carry a float parser.
///
/// Two numbers are equal when they denote the same `f64` (`1.5`, `1.50` and `15e-1` are
/// equal).
///
/// ```
/// # fn main() -> Result<(), lcsession_core::Error> {
/// use lcsession_core::Field;
/// let doc = br#"{"events":[{"type":"stop","error":null,"is_error":false,
///   "usage":{"duration_ms":1234.5,"turns":1}}],"session_id":"s","last_updated_at":"t"}"#;
/// let session = lcsession_core::parse(doc)?;
/// let stop = session.events().next().unwrap();
/// let Field::Present(ms) = stop.stop().unwrap().usage.duration_ms else { panic!() };
/// assert_eq!(ms.as_str(), "1234.5");
/// assert_eq!(ms.as_f64(), Ok(1234.5));
/// assert!(ms.as_u64().is_err());
/// # Ok(()) }
/// ```
#[derive(Clone, Copy)]
pub struct Number<'a> {
    text: &'a str,
}

impl<'a> Number<'a> {
    /// Wraps validated JSON number text.
    pub(crate) const fn new(text: &'a str) -> Self {
        Number { text }
    }

    /// The number as written.
    pub const fn as_str(&self) -> &'a str {
        self.text
    }

    /// The number as `f64`, correctly rounded. Numbers decoded by the session parser are
    /// known to be finite, so this does not fail for them.
    pub fn as_f64(&self) -> Result<f64, NumberError> {
        parse_f64(self.text)
    }

    /// The number as `u64`: an error if it has a fraction or exponent, is negative, or
    /// overflows.
    pub fn as_u64(&self) -> Result<u64, NumberError> {
        parse_u64(self.text)
    }

    /// The number as `i64`: an error if it is not an integer or overflows.
    pub fn as_i64(&self) -> Result<i64, NumberError> {
        parse_i64(self.text)
    }
}

impl PartialEq for Number<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self.as_f64(), other.as_f64()) {
            (Ok(a), Ok(b)) => a == b,
            _ => self.text == other.text,
        }
    }
}

impl fmt::Debug for Number<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Number({})", self.text)
    }
}

impl fmt::Display for Number<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

/// Capacity in bytes of a [`NumberBuf`]: enough for any number a JSON encoder writes for an
/// `f64` or a 64-bit integer (at most 24 bytes).
pub const NUMBER_CAPACITY: usize = 32;

/// An owned [`Number`] (for the header, which does not borrow the input): the number's text
/// in a fixed capacity of [`NUMBER_CAPACITY`] bytes. A longer number is an
/// [`ErrorKind::Capacity`](crate::ErrorKind::Capacity) error naming the field.
///
/// Decoded through `serde`, it holds what the deserializer produced: the integer, or the
/// `f64` written back as its shortest round-trip text (`1E-3` becomes `0.001`); equality is by
/// value, so both paths agree.
#[derive(Clone)]
pub struct NumberBuf {
    text: heapless::String<NUMBER_CAPACITY>,
}

impl NumberBuf {
    /// Copies a number; `None` when its text exceeds [`NUMBER_CAPACITY`].
    pub fn from_number(n: Number<'_>) -> Option<Self> {
        heapless::String::try_from(n.as_str())
            .ok()
            .map(|text| NumberBuf { text })
    }

    /// A finite `f64` as its shortest round-trip text (`0.001`, `1e300`, `7.0`); `None` for
    /// infinities and NaN.
    pub fn from_f64(v: f64) -> Option<Self> {
        if !v.is_finite() {
            return None;
        }
        // `Debug` writes the shortest text that reads back as the same `f64`.
        Self::format(format_args!("{v:?}"))
    }

    /// A number written by `args` (at most [`NUMBER_CAPACITY`] bytes).
    fn format(args: fmt::Arguments<'_>) -> Option<Self> {
        let mut text = heapless::String::new();
        fmt::Write::write_fmt(&mut text, args).ok()?;
        Some(NumberBuf { text })
    }

    /// A borrowed view.
    pub fn as_number(&self) -> Number<'_> {
        Number::new(self.text.as_str())
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }

    /// See [`Number::as_f64`].
    pub fn as_f64(&self) -> Result<f64, NumberError> {
        self.as_number().as_f64()
    }

    /// See [`Number::as_u64`].
    pub fn as_u64(&self) -> Result<u64, NumberError> {
        self.as_number().as_u64()
    }

    /// See [`Number::as_i64`].
    pub fn as_i64(&self) -> Result<i64, NumberError> {
        self.as_number().as_i64()
    }
}

impl PartialEq for NumberBuf {
    fn eq(&self, other: &Self) -> bool {
        self.as_number() == other.as_number()
    }
}

impl fmt::Debug for NumberBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.as_number(), f)
    }
}

impl fmt::Display for NumberBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for NumberBuf {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;

        impl Visitor<'_> for V {
            type Value = NumberBuf;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a finite number")
            }

            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<NumberBuf, E> {
                NumberBuf::format(format_args!("{v}")).ok_or_else(|| E::custom("number too long"))
            }

            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<NumberBuf, E> {
                NumberBuf::format(format_args!("{v}")).ok_or_else(|| E::custom("number too long"))
            }

            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<NumberBuf, E> {
                NumberBuf::from_f64(v)
                    .ok_or_else(|| E::invalid_value(serde::de::Unexpected::Float(v), &self))
            }
        }

        deserializer.deserialize_f64(V)
    }
}

/// The smallest magnitude that rounds to infinity, `2^1024 - 2^970` (halfway between
/// `f64::MAX` and `2^1024`; the tie rounds to the even significand, upwards): its 309 digits.
const OVERFLOW_DIGITS: &[u8; 309] = b"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

/// True when validated JSON number text is too large in magnitude for an `f64` (it would
/// round to infinity), decided exactly on the decimal digits, without a float parser.
pub(crate) fn f64_overflows(text: &str) -> bool {
    use core::cmp::Ordering;
    // The value is 0.DIGITS x 10^exp, DIGITS starting at the first non-zero digit; `order`
    // compares DIGITS with OVERFLOW_DIGITS as far as they were read (`compared` digits).
    let mut exp: i64 = 0;
    let mut nonzero = false;
    let mut point = false;
    let mut order = Ordering::Equal;
    let mut compared = 0usize;
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'0'..=b'9' => {
                if !nonzero && b == b'0' {
                    exp -= i64::from(point);
                    continue;
                }
                nonzero = true;
                exp += i64::from(!point);
                if order == Ordering::Equal {
                    // Past the end of the limit with all digits equal: at or above it.
                    order = OVERFLOW_DIGITS
                        .get(compared)
                        .map_or(Ordering::Greater, |l| b.cmp(l));
                    compared += 1;
                }
            }
            b'.' => point = true,
            b'e' | b'E' => {
                // The exponent, saturated far beyond where the answer changes.
                let mut e: i64 = 0;
                let mut sign = 1;
                for b in bytes.by_ref() {
                    match b {
                        b'-' => sign = -1,
                        b'0'..=b'9' => e = (e * 10 + i64::from(b - b'0')).min(1 << 40),
                        _ => {}
                    }
                }
                exp += sign * e;
            }
            _ => {}
        }
    }
    if !nonzero {
        return false;
    }
    let limit_exp = OVERFLOW_DIGITS.len() as i64;
    if exp != limit_exp {
        return exp > limit_exp;
    }
    match order {
        Ordering::Greater => true,
        Ordering::Less => false,
        // A proper prefix of the limit (whose last digit is not 0) is below it.
        Ordering::Equal => compared == OVERFLOW_DIGITS.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned() {
        assert_eq!(parse_u64("0"), Ok(0));
        assert_eq!(parse_u64("-0"), Ok(0));
        assert_eq!(parse_u64("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(
            parse_u64("18446744073709551616"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(parse_u64("-1"), Err(NumberError::OutOfRange));
        assert_eq!(parse_u64("1.0"), Err(NumberError::NotAnInteger));
        assert_eq!(parse_u64("1e3"), Err(NumberError::NotAnInteger));
    }

    #[test]
    fn signed() {
        assert_eq!(parse_i64("-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(parse_i64("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(
            parse_i64("9223372036854775808"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(
            parse_i64("-9223372036854775809"),
            Err(NumberError::OutOfRange)
        );
        assert_eq!(parse_i64("-5"), Ok(-5));
    }

    #[test]
    fn overflow_agrees_with_the_float_parser() {
        let limit = core::str::from_utf8(OVERFLOW_DIGITS).unwrap();
        let below = format!("{}1", &limit[..308]);
        let above = format!("{}{}", &limit[..308], "3");
        let mut cases = vec![
            "0".to_string(),
            "-0.0e999999999999999999999".into(),
            "1e308".into(),
            "1e309".into(),
            "1e-400".into(),
            "1e99999999999999999999".into(),
            "1.7976931348623157e308".into(),
            "1.7976931348623158e308".into(),
            "1.7976931348623159e308".into(),
            "-1.7976931348623159e308".into(),
            "0.00017976931348623158079372897140530341507993e312".into(),
            "17976931348623158079372897140530341507993.4e268".into(),
            limit.to_string(),
            format!("{limit}.0"),
            format!("{limit}.00001"),
            format!("0.{limit}e309"),
            format!("-0.000{limit}E+312"),
            below.clone(),
            format!("{below}.999"),
            above,
            format!("{}", &limit[..300]),
            format!("{}e9", &limit[..300]),
            format!("{}e8", &limit[..301]),
        ];
        // Pseudo-random digit strings around the boundary.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = 1 + (x % 40) as usize;
            let keep = (x >> 8) as usize % 20;
            let mut s: String = limit[..keep.min(len)].to_string();
            let mut y = x;
            while s.len() < len {
                y = y.wrapping_mul(6364136223846793005).wrapping_add(1);
                s.push(char::from(b'0' + (y >> 60) as u8 % 10));
            }
            let exp = 308 - len as i64 + (x >> 20) as i64 % 4;
            cases.push(format!("{s}e{exp}"));
            cases.push(format!(
                "{}.{}e{}",
                &s[..1],
                &s[1..],
                308 + (x >> 24) as i64 % 3 - 1
            ));
        }
        for c in &cases {
            let inf = c.parse::<f64>().unwrap().is_infinite();
            assert_eq!(f64_overflows(c), inf, "{c}");
        }
    }

    #[test]
    fn number_buf_is_equal_by_value() {
        let a = NumberBuf::from_number(Number::new("1.50")).unwrap();
        let b = NumberBuf::from_number(Number::new("15e-1")).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "1.50");
        assert_ne!(a, NumberBuf::from_number(Number::new("1.5000001")).unwrap());
        assert!(NumberBuf::from_number(Number::new(&"1".repeat(33))).is_none());
        assert_eq!(format!("{a} {a:?}"), "1.50 Number(1.50)");
    }

    #[test]
    fn floats() {
        assert_eq!(parse_f64("1234.5"), Ok(1234.5));
        assert_eq!(parse_f64("-1e-3"), Ok(-0.001));
        assert_eq!(parse_f64("1e400"), Err(NumberError::OutOfRange));
        assert_eq!(parse_f64("0.1"), Ok(0.1));
    }
}
