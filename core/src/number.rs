//! Decoding of validated JSON number text into `u64`, `i64` and `f64`.

use core::fmt;

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
    fn floats() {
        assert_eq!(parse_f64("1234.5"), Ok(1234.5));
        assert_eq!(parse_f64("-1e-3"), Ok(-0.001));
        assert_eq!(parse_f64("1e400"), Err(NumberError::OutOfRange));
        assert_eq!(parse_f64("0.1"), Ok(0.1));
    }
}
