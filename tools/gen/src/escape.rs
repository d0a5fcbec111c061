//! JSON string escaping (RFC 8259, section 7).

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `\uXXXX` for one UTF-16 code unit.
fn push_u16_escape(out: &mut String, unit: u16) {
    out.push_str("\\u");
    for shift in [12u32, 8, 4, 0] {
        out.push(char::from(HEX[usize::from((unit >> shift) & 0xf)]));
    }
}

/// Appends `c` as one `\uXXXX` escape, or as a surrogate pair
/// (`\ud83d\ude00`) when it lies outside the Basic Multilingual Plane.
pub(crate) fn push_unicode_escape(out: &mut String, c: char) {
    let mut buf = [0u16; 2];
    for unit in c.encode_utf16(&mut buf) {
        push_u16_escape(out, *unit);
    }
}

/// Appends the escaped content of a JSON string (without the quotes).
///
/// `"`, `\` and control characters are always escaped (with the short
/// forms `\n`, `\t`, `\r`, `\b`, `\f` where they exist). For `/` and for
/// every non-ASCII character, `escape_extra` decides: `true` writes `\/`
/// respectively a `\uXXXX` escape (surrogate pair above U+FFFF), `false`
/// writes the character raw.
pub(crate) fn escape_content(
    out: &mut String,
    s: &str,
    mut escape_extra: impl FnMut(char) -> bool,
) {
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let short: &str = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            '/' if escape_extra(c) => "\\/",
            c if u32::from(c) < 0x20 => "",
            c if !c.is_ascii() && escape_extra(c) => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if short.is_empty() {
            push_unicode_escape(out, c);
        } else {
            out.push_str(short);
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
}

/// Appends `s` to `out` as a complete JSON string literal, quotes included.
///
/// `"`, `\` and control characters are always escaped (`\n`, `\t`, ... or
/// `\u00XX`). With `escape_non_ascii` every non-ASCII character is written
/// as `\uXXXX` (characters above U+FFFF as a UTF-16 surrogate pair such as
/// `\ud83d\ude00`), so the output is pure ASCII; without it non-ASCII text
/// is copied raw as UTF-8. `/` is never escaped.
///
/// ```
/// let mut out = String::new();
/// lcsession_gen::push_json_string(&mut out, "a \"b\"\n😀", true);
/// assert_eq!(out, r#""a \"b\"\n\ud83d\ude00""#);
/// ```
pub fn push_json_string(out: &mut String, s: &str, escape_non_ascii: bool) {
    out.push('"');
    escape_content(out, s, |c| escape_non_ascii && c != '/');
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str, non_ascii: bool) -> String {
        let mut out = String::new();
        push_json_string(&mut out, s, non_ascii);
        out
    }

    #[test]
    fn escapes_specials_and_controls() {
        assert_eq!(esc("a\"b\\c/d", false), r#""a\"b\\c/d""#);
        assert_eq!(
            esc("\n\r\t\u{8}\u{c}\u{1}\u{1f}", false),
            r#""\n\r\t\b\f\u0001\u001f""#
        );
    }

    #[test]
    fn non_ascii_raw_or_escaped() {
        assert_eq!(esc("é中😀", false), "\"é中😀\"");
        assert_eq!(esc("é中😀", true), r#""\u00e9\u4e2d\ud83d\ude00""#);
    }

    #[test]
    fn escape_extra_controls_slash() {
        let mut out = String::new();
        escape_content(&mut out, "a/b/é", |_| true);
        assert_eq!(out, r"a\/b\/\u00e9");
    }
}
