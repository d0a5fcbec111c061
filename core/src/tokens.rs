//! [`Tokens`]: a validated value walked token by token, in one pass, with no recursion.

use crate::depth::DepthStack;
use crate::scan::Scanner;
use crate::str::JsonStr;
use crate::value::RawValue;

/// One piece of a JSON value, as [`RawValue::tokens`] yields them in document order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Token<'a> {
    /// `{`: an object's members follow, each a [`Key`](Token::Key) and its value's tokens.
    ObjectStart,
    /// `}`
    ObjectEnd,
    /// `[`: the array's items follow.
    ArrayStart,
    /// `]`
    ArrayEnd,
    /// An object member's key; the tokens of its value come next.
    Key(JsonStr<'a>),
    /// A string value.
    String(JsonStr<'a>),
    /// A number, its text as written.
    Number(&'a str),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// The tokens of a [`RawValue`]; see [`RawValue::tokens`].
///
/// Each byte is read once whatever the nesting (walking [`members`](RawValue::members) and
/// [`items`](RawValue::items) level by level reads a nested value once per level above it),
/// and the open containers live in a fixed bit stack: no recursion, no allocation.
#[derive(Debug, Clone)]
pub struct Tokens<'a> {
    scanner: Scanner<'a>,
    /// The open containers.
    stack: DepthStack,
    /// No member or item read yet in the innermost container.
    first: bool,
    /// The innermost container is an object whose next member's key was read.
    after_key: bool,
    /// The value itself was begun (then an empty stack means the walk is over).
    started: bool,
}

impl<'a> Tokens<'a> {
    pub(crate) fn new(value: &RawValue<'a>) -> Self {
        Tokens {
            scanner: Scanner::trusted(value.as_raw_str(), value.offset()),
            stack: DepthStack::with_fill(0),
            first: true,
            after_key: false,
            started: false,
        }
    }

    /// The value at the scanner (after whitespace): a scalar, or a container opened.
    fn value(&mut self) -> Option<Token<'a>> {
        self.scanner.skip_ws();
        let rest = self.scanner.rest();
        let (token, len) = match *rest.first()? {
            b @ (b'{' | b'[') => {
                let is_object = b == b'{';
                if !self.stack.push(is_object) {
                    // Not reached: validation bounds nesting by `MAX_DEPTH`, the stack's size.
                    return None;
                }
                self.first = true;
                self.scanner.pos += 1;
                return Some(if is_object {
                    Token::ObjectStart
                } else {
                    Token::ArrayStart
                });
            }
            b'"' => (Token::String(self.scanner.string().ok()?), 0),
            b't' => (Token::Bool(true), 4),
            b'f' => (Token::Bool(false), 5),
            b'n' => (Token::Null, 4),
            _ => (Token::Number(self.scanner.number().ok()?), 0),
        };
        self.scanner.pos += len;
        self.first = false;
        Some(token)
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        // The text was validated when it was parsed, so no step below can meet anything but
        // valid JSON; should one fail anyway, the walk ends (`None`), never loops or panics.
        let Some(is_object) = self.stack.top() else {
            if self.started {
                return None;
            }
            self.started = true;
            return self.value();
        };
        if !self.after_key {
            self.scanner.skip_ws();
            let close = if is_object { b'}' } else { b']' };
            if self.scanner.rest().first() == Some(&close) {
                self.scanner.pos += 1;
                self.stack.pop();
                self.first = false;
                return Some(if is_object {
                    Token::ObjectEnd
                } else {
                    Token::ArrayEnd
                });
            }
            if !self.first {
                // The `,` before the next member or item.
                self.scanner.pos += 1;
                self.scanner.skip_ws();
            }
            if is_object {
                let key = self.scanner.string().ok()?;
                self.scanner.skip_ws();
                // The `:` after the key.
                self.scanner.pos += 1;
                self.after_key = true;
                return Some(Token::Key(key));
            }
        }
        self.after_key = false;
        self.value()
    }
}

impl core::iter::FusedIterator for Tokens<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse, Session};

    /// The tokens a level-by-level walk of `value` gives (the reference).
    fn nested(value: RawValue<'_>, out: &mut std::vec::Vec<std::string::String>) {
        use crate::ValueKind;
        match value.kind() {
            ValueKind::Object => {
                out.push("{".into());
                for (k, v) in value.members() {
                    out.push(std::format!("key {k}"));
                    nested(v, out);
                }
                out.push("}".into());
            }
            ValueKind::Array => {
                out.push("[".into());
                for item in value.items() {
                    nested(item, out);
                }
                out.push("]".into());
            }
            ValueKind::String => out.push(std::format!("str {}", value.as_str().unwrap())),
            ValueKind::Number => out.push(std::format!("num {}", value.as_raw_str())),
            ValueKind::Bool => out.push(std::format!("bool {}", value.as_bool().unwrap())),
            ValueKind::Null => out.push("null".into()),
        }
    }

    fn flat(value: RawValue<'_>) -> std::vec::Vec<std::string::String> {
        value
            .tokens()
            .map(|t| match t {
                Token::ObjectStart => "{".into(),
                Token::ObjectEnd => "}".into(),
                Token::ArrayStart => "[".into(),
                Token::ArrayEnd => "]".into(),
                Token::Key(k) => std::format!("key {k}"),
                Token::String(s) => std::format!("str {s}"),
                Token::Number(n) => std::format!("num {n}"),
                Token::Bool(b) => std::format!("bool {b}"),
                Token::Null => "null".into(),
            })
            .collect()
    }

    fn agree(doc: &[u8]) {
        let session = parse(doc).unwrap();
        let mut want = std::vec::Vec::new();
        nested(session.raw(), &mut want);
        assert_eq!(flat(session.raw()), want);
        for (_, value) in session.raw().members() {
            let mut want = std::vec::Vec::new();
            nested(value, &mut want);
            assert_eq!(flat(value), want);
        }
    }

    #[test]
    fn tokens_agree_with_the_nested_walk() {
        agree(include_bytes!("../../examples/data/sample-session.json"));
        agree(
            br#" { "session_id" : "s\u0031" , "last_updated_at":"t", "events" : [ ] ,
                "x" : [ { } , [ ] , [ [ 1 , -2.5e3 ] ] , { "a" : { "b" : [ true , false , null ] } } ,
                "\"q\"" , 0 ] , "y" : { "" : "" } } "#,
        );
        let deep = std::format!(
            r#"{{"session_id":"s","last_updated_at":"t","events":[],"d":{}1{}}}"#,
            "[".repeat(120),
            "]".repeat(120)
        );
        agree(deep.as_bytes());
    }

    #[test]
    fn scalars_and_empty_containers_are_one_or_two_tokens() {
        let doc = br#"{"session_id":"s","last_updated_at":"t","events":[],"n":7,"s":"a\nb","o":{},"a":[]}"#;
        let session: Session<'_> = parse(doc).unwrap();
        let get = |k| session.raw().get(k).unwrap();
        assert_eq!(
            get("n").tokens().collect::<std::vec::Vec<_>>(),
            [Token::Number("7")]
        );
        let s: std::vec::Vec<_> = get("s").tokens().collect();
        assert!(matches!(s[..], [Token::String(s)] if s.eq_str("a\nb")));
        assert_eq!(
            get("o").tokens().collect::<std::vec::Vec<_>>(),
            [Token::ObjectStart, Token::ObjectEnd]
        );
        assert_eq!(
            get("a").tokens().collect::<std::vec::Vec<_>>(),
            [Token::ArrayStart, Token::ArrayEnd]
        );
        let mut t = get("a").tokens();
        assert_eq!(
            (t.next(), t.next(), t.next(), t.next()),
            (Some(Token::ArrayStart), Some(Token::ArrayEnd), None, None)
        );
    }
}
