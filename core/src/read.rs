//! Typed readers on top of the scanner: one value of a known schema type, with errors that
//! name the field. Shared by the header and event decoders.

use crate::error::{ErrorKind, Failed, JsonType, Location};
use crate::field::Field;
use crate::number::{f64_overflows, parse_u64, Number, NumberError};
use crate::scan::Scanner;
use crate::str::JsonStr;

/// A wrong-type error at the current position.
fn wrong_type(sc: &Scanner<'_>, at: Location, expected: JsonType) -> Failed {
    sc.error(ErrorKind::WrongType { at, expected })
}

/// Reads `null` as [`Field::Null`], anything else through `read`.
pub(crate) fn nullable<'a, T>(
    sc: &mut Scanner<'a>,
    read: impl FnOnce(&mut Scanner<'a>) -> Result<T, Failed>,
) -> Result<Field<T>, Failed> {
    if sc.peek_value()? == b'n' {
        sc.skip_value(0)?;
        Ok(Field::Null)
    } else {
        read(sc).map(Field::Present)
    }
}

/// Reads a string, borrowed.
pub(crate) fn string<'a>(sc: &mut Scanner<'a>, at: Location) -> Result<JsonStr<'a>, Failed> {
    if sc.peek_value()? == b'"' {
        sc.string_outlined()
    } else {
        Err(wrong_type(sc, at, JsonType::String))
    }
}

/// Reads `null` as [`Field::Null`]; anything else is decoded by `fill` into a default value
/// placed directly in `slot` (no large temporaries on the stack).
pub(crate) fn nullable_into<'a, T: Default>(
    sc: &mut Scanner<'a>,
    slot: &mut Field<T>,
    fill: impl FnOnce(&mut Scanner<'a>, &mut T) -> Result<(), Failed>,
) -> Result<(), Failed> {
    if sc.peek_value()? == b'n' {
        sc.skip_value(0)?;
        *slot = Field::Null;
        return Ok(());
    }
    *slot = Field::Present(T::default());
    match slot {
        Field::Present(value) => fill(sc, value),
        _ => Ok(()),
    }
}

/// Reads a string and decodes it into `out` (cleared first), within its fixed capacity.
pub(crate) fn heapless_string<const N: usize>(
    sc: &mut Scanner<'_>,
    at: Location,
    out: &mut heapless::String<N>,
) -> Result<(), Failed> {
    let start = sc.offset();
    let s = string(sc, at)?;
    out.clear();
    s.decode_to_heapless(out)
        .map_err(|_| sc.fail(ErrorKind::Capacity { at, capacity: N }, start))
}

/// Reads an array of strings into `out` (cleared first), a fixed-capacity list of
/// fixed-capacity strings. `list` names the field for count and type errors, `item` for
/// string-length errors.
pub(crate) fn heapless_string_list<const S: usize, const L: usize>(
    sc: &mut Scanner<'_>,
    depth: u16,
    list: Location,
    item: Location,
    out: &mut heapless::Vec<heapless::String<S>, L>,
) -> Result<(), Failed> {
    if sc.peek_value()? != b'[' {
        return Err(wrong_type(sc, list, JsonType::StringArray));
    }
    sc.array_start(depth)?;
    out.clear();
    let mut first = true;
    while sc.next_item(&mut first)? {
        let start = sc.offset();
        if sc.peek_value()? != b'"' {
            return Err(wrong_type(sc, list, JsonType::StringArray));
        }
        if out.push(heapless::String::new()).is_err() {
            return Err(sc.fail(
                ErrorKind::Capacity {
                    at: list,
                    capacity: L,
                },
                start,
            ));
        }
        if let Some(last) = out.last_mut() {
            heapless_string(sc, item, last)?;
        }
    }
    Ok(())
}

/// Reads a boolean.
pub(crate) fn boolean(sc: &mut Scanner<'_>, at: Location) -> Result<bool, Failed> {
    match sc.peek_value()? {
        b't' | b'f' => Ok(sc.skip_value(0)?.as_bool() == Some(true)),
        _ => Err(wrong_type(sc, at, JsonType::Bool)),
    }
}

fn number_text<'a>(sc: &mut Scanner<'a>, at: Location, want: JsonType) -> Result<&'a str, Failed> {
    match sc.peek_value()? {
        b'-' | b'0'..=b'9' => sc.number(),
        _ => Err(wrong_type(sc, at, want)),
    }
}

/// Maps a number conversion failure to a schema error.
pub(crate) fn number_error(e: NumberError, at: Location, want: JsonType) -> ErrorKind {
    match e {
        NumberError::OutOfRange => ErrorKind::NumberOutOfRange(at),
        NumberError::NotAnInteger | NumberError::NotANumber => {
            ErrorKind::WrongType { at, expected: want }
        }
    }
}

/// Reads a non-negative integer.
pub(crate) fn unsigned(sc: &mut Scanner<'_>, at: Location) -> Result<u64, Failed> {
    sc.skip_ws();
    let start = sc.offset();
    let text = number_text(sc, at, JsonType::Integer)?;
    parse_u64(text).map_err(|e| sc.fail(number_error(e, at, JsonType::Integer), start))
}

/// Reads a number that must be a finite `f64`, unconverted.
pub(crate) fn number<'a>(sc: &mut Scanner<'a>, at: Location) -> Result<Number<'a>, Failed> {
    sc.skip_ws();
    let start = sc.offset();
    let text = number_text(sc, at, JsonType::Number)?;
    finite(text, at).map_err(|kind| sc.fail(kind, start))
}

/// Checks that validated number text is a finite `f64`.
pub(crate) fn finite(text: &str, at: Location) -> Result<Number<'_>, ErrorKind> {
    if f64_overflows(text) {
        Err(ErrorKind::NumberOutOfRange(at))
    } else {
        Ok(Number::new(text))
    }
}

/// Records that a known field was seen; a second sighting is a duplicate.
/// The error points just after the duplicate key's `:`.
pub(crate) fn mark_seen(
    seen: &mut u32,
    bit: u32,
    sc: &Scanner<'_>,
    at: Location,
) -> Result<(), Failed> {
    let mask = 1u32 << bit;
    if *seen & mask != 0 {
        return Err(sc.error(ErrorKind::DuplicateField(at)));
    }
    *seen |= mask;
    Ok(())
}
