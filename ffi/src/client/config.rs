//! Configuration values and where they come from: arguments first, then the environment
//! variables the official SDKs read.

use std::borrow::Cow;
use std::fmt;

use super::error::{ClientError, ClientErrorKind};

/// The default base URL of the LlamaCloud API.
pub const DEFAULT_BASE_URL: &str = "https://api.cloud.llamaindex.ai";
/// The environment variable read for the API key first.
pub const ENV_API_KEY: &str = "LLAMA_CLOUD_API_KEY";
/// The environment variable read for the API key when [`ENV_API_KEY`] is unset.
pub const ENV_PARSE_API_KEY: &str = "LLAMA_PARSE_API_KEY";
/// The environment variable read for the base URL.
pub const ENV_BASE_URL: &str = "LLAMA_CLOUD_BASE_URL";
/// The environment variable holding extra headers, one `Name: value` per line.
pub const ENV_CUSTOM_HEADERS: &str = "LLAMA_CLOUD_CUSTOM_HEADERS";

/// The variable `name` of the process environment (`None` when unset). Set to text that is
/// not UTF-8, it is an error naming it: read as unset, a default (such as the production base
/// URL) would silently be used instead of what the user meant.
pub(crate) fn process_env(name: &str) -> Result<Option<String>, ClientError> {
    match std::env::var(name) {
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(ClientError::new(
            ClientErrorKind::InvalidConfig,
            format!("{name} is set but is not valid UTF-8"),
        )),
    }
}

/// A single-value variable as the SDKs read it: trimmed, and unset when nothing is left.
pub(crate) fn env_value(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// An API key. Its `Debug` output is `ApiKey(<redacted>)`, and nothing in this crate
/// formats it anywhere else than into the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key; it must not be empty or only whitespace, and must be valid in an HTTP
    /// header (visible ASCII, spaces and tabs). The error does not repeat the key.
    pub fn new(key: impl Into<String>) -> Result<Self, ClientError> {
        let key = key.into();
        if key.trim().is_empty() {
            return Err(ClientError::new(
                ClientErrorKind::MissingApiKey,
                "the API key is empty",
            ));
        }
        if !key
            .bytes()
            .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
        {
            return Err(ClientError::new(
                ClientErrorKind::InvalidConfig,
                "the API key contains a character that is not allowed in an HTTP header \
                 (only visible ASCII, space and tab are)",
            ));
        }
        Ok(Self(key))
    }

    /// The key from the environment: `LLAMA_CLOUD_API_KEY`, else `LLAMA_PARSE_API_KEY`
    /// (leading and trailing whitespace removed, as the official TypeScript SDK does; a
    /// variable empty or only whitespace counts as unset). A variable set to text that is not
    /// UTF-8 is an error naming it, not skipped.
    pub fn from_env() -> Result<Self, ClientError> {
        Self::from_lookup(process_env)
    }

    pub(crate) fn from_lookup(
        lookup: impl Fn(&str) -> Result<Option<String>, ClientError>,
    ) -> Result<Self, ClientError> {
        for name in [ENV_API_KEY, ENV_PARSE_API_KEY] {
            if let Some(key) = env_value(lookup(name)?) {
                return Self::new(key);
            }
        }
        Err(ClientError::new(
            ClientErrorKind::MissingApiKey,
            format!(
                "no API key: give the client one (ClientBuilder::api_key, \
                 lcs_client_set_api_key, lcsession --api-key) or set {ENV_API_KEY} \
                 (or {ENV_PARSE_API_KEY})"
            ),
        ))
    }

    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// `text` with every occurrence of the key replaced by `<REDACTED>`, for text the server
    /// wrote (an error body, a header) that may echo the key back. The key is found however
    /// its characters are written: as themselves, as JSON escapes (`\u0026`, `\/`; a JSON
    /// encoder may escape `&`, `<`, `>`), or percent-encoded (`%26`), so that decoding the
    /// text later cannot bring it back. Keys shorter than [`MIN_REDACTED_KEY_LEN`] are not
    /// searched for: replacing every `a` would garble the text and protect nothing.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let key = self.0.as_bytes();
        if key.len() < MIN_REDACTED_KEY_LEN {
            return Cow::Borrowed(text);
        }
        let bytes = text.as_bytes();
        let mut out = String::new();
        // `text[done..i]` is still to be copied; every match starts at an ASCII byte and
        // spans whole characters, so both ends are character boundaries.
        let (mut done, mut i) = (0, 0);
        while i < bytes.len() {
            match bytes.get(i..).and_then(|rest| key_spelled_at(rest, key)) {
                Some(len) => {
                    out.push_str(text.get(done..i).unwrap_or_default());
                    out.push_str(REDACTED);
                    i += len;
                    done = i;
                }
                None => i += 1,
            }
        }
        if done == 0 {
            return Cow::Borrowed(text);
        }
        out.push_str(text.get(done..).unwrap_or_default());
        Cow::Owned(out)
    }
}

/// The length of `key` (ASCII) spelled at the start of `text`, each character as itself, a
/// JSON escape (`\u0061` in either case, `\/`, `\\`, `\"`) or a percent-escape (`%61`); the
/// longest when several spellings match (`\\` is one escaped or two plain backslashes).
fn key_spelled_at(text: &[u8], key: &[u8]) -> Option<usize> {
    // Most positions: nothing can start here (and nothing is allocated).
    if !matches!(text.first(), Some(&c) if Some(&c) == key.first() || c == b'\\' || c == b'%') {
        return None;
    }
    let hex = |digits: &[u8]| -> Option<u32> {
        digits
            .iter()
            .try_fold(0u32, |n, &d| Some(n * 16 + char::from(d).to_digit(16)?))
    };
    // The lengths of the spellings of `k` at the start of `rest`.
    let spellings = |rest: &[u8], k: u8| {
        let plain = rest.first() == Some(&k);
        let json = match rest {
            [b'\\', b'u', digits @ ..] => digits.get(..4).and_then(hex) == Some(u32::from(k)),
            _ => false,
        };
        let short = matches!(k, b'/' | b'\\' | b'"') && rest.get(..2) == Some(&[b'\\', k][..]);
        let percent =
            rest.first() == Some(&b'%') && rest.get(1..3).and_then(hex) == Some(u32::from(k));
        [(plain, 1), (json, 6), (short, 2), (percent, 3)]
            .into_iter()
            .filter_map(|(matched, len)| matched.then_some(len))
    };
    // Every offset the spellings of the key so far can end at (few: escapes are rare).
    let mut ends = vec![0usize];
    for &k in key {
        let mut next: Vec<usize> = ends
            .iter()
            .flat_map(|&at| spellings(text.get(at..).unwrap_or_default(), k).map(move |n| at + n))
            .collect();
        next.sort_unstable();
        next.dedup();
        if next.is_empty() {
            return None;
        }
        ends = next;
    }
    ends.last().copied()
}

/// What [`ApiKey::redact`] writes in place of the key.
pub const REDACTED: &str = "<REDACTED>";
/// Keys shorter than this are not redacted from server text (see [`ApiKey::redact`]).
pub const MIN_REDACTED_KEY_LEN: usize = 4;

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// Checks a base URL: `http://` or `https://`, a host, a port from 1 to 65535 if any, no
/// user name or password, no whitespace, no query or fragment, valid URL syntax. Returns it without trailing slashes, ready for `+ "/api/v1/chat/..."`.
pub fn validate_base_url(url: &str) -> Result<String, ClientError> {
    let invalid = |why: &str| {
        ClientError::new(
            ClientErrorKind::InvalidConfig,
            format!("invalid base URL {url:?}: {why}"),
        )
    };
    // The host and port (what follows `://` up to the path). Checked for credentials before
    // any message repeats the URL: the text before an `@` may be a password.
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let authority = url
        .get(scheme_end..)
        .unwrap_or_default()
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    if authority.contains('@') {
        return Err(ClientError::new(
            ClientErrorKind::InvalidConfig,
            "invalid base URL: it must not contain a user name or password (send credentials \
             in a custom header)",
        ));
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if !lower.starts_with("https://") && !lower.starts_with("http://") {
        return Err(invalid("it must start with http:// or https://"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("it contains whitespace or a control character"));
    }
    if url.contains(['?', '#']) {
        return Err(invalid("it must not have a query or fragment"));
    }
    if authority.is_empty() || authority.starts_with(':') {
        return Err(invalid("it has no host"));
    }
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|e| invalid(&format!("it is not a valid URL ({e})")))?;
    // What follows the host, if anything, is `:port`.
    let after_host = uri
        .host()
        .and_then(|host| authority.strip_prefix(host))
        .unwrap_or_default();
    if let Some(port) = after_host.strip_prefix(':') {
        if !matches!(port.parse::<u16>(), Ok(1..)) || !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("its port must be a number from 1 to 65535"));
        }
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// Parses `LLAMA_CLOUD_CUSTOM_HEADERS`: one `Name: value` per line, split at the first
/// colon, both sides trimmed; lines without a colon are ignored, as in the official SDKs.
/// A line whose name or value is not a valid HTTP header is an error naming the line.
pub fn parse_custom_headers(text: &str) -> Result<Vec<(String, String)>, ClientError> {
    let mut headers = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let (name, value) = (name.trim(), value.trim());
        check_header(name, value).map_err(|why| {
            ClientError::new(
                ClientErrorKind::InvalidConfig,
                format!("{ENV_CUSTOM_HEADERS} line {}: {why}", number + 1),
            )
        })?;
        headers.push((name.to_owned(), value.to_owned()));
    }
    Ok(headers)
}

/// Checks a header name (an RFC 9110 token) and value (visible ASCII, space, tab, or
/// obs-text bytes); the message names what is wrong without repeating the value.
pub(crate) fn check_header(name: &str, value: &str) -> Result<(), String> {
    const TOKEN_PUNCT: &[u8] = b"!#$%&'*+-.^_`|~";
    if name.is_empty() {
        return Err("empty header name".into());
    }
    if let Some(c) = name
        .bytes()
        .find(|b| !(b.is_ascii_alphanumeric() || TOKEN_PUNCT.contains(b)))
    {
        return Err(format!(
            "header name {name:?} contains {:?}, which is not allowed",
            char::from(c)
        ));
    }
    if value.bytes().any(|b| b != b'\t' && (b < b' ' || b == 0x7f)) {
        return Err(format!(
            "the value of header {name:?} contains a control character"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_key_order_and_missing() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                Ok(vars
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned()))
            }
        };
        let both = ApiKey::from_lookup(env(&[(ENV_API_KEY, "a"), (ENV_PARSE_API_KEY, "b")]));
        assert_eq!(both.unwrap().bearer(), "Bearer a");
        let parse = ApiKey::from_lookup(env(&[(ENV_PARSE_API_KEY, "b")]));
        assert_eq!(parse.unwrap().bearer(), "Bearer b");
        let empty_first = ApiKey::from_lookup(env(&[(ENV_API_KEY, ""), (ENV_PARSE_API_KEY, "b")]));
        assert_eq!(empty_first.unwrap().bearer(), "Bearer b");
        let blank_first =
            ApiKey::from_lookup(env(&[(ENV_API_KEY, " \t\n"), (ENV_PARSE_API_KEY, "b")]));
        assert_eq!(blank_first.unwrap().bearer(), "Bearer b");
        let padded = ApiKey::from_lookup(env(&[(ENV_API_KEY, " a \n")]));
        assert_eq!(padded.unwrap().bearer(), "Bearer a");
        let none = ApiKey::from_lookup(env(&[])).unwrap_err();
        assert_eq!(none.kind(), ClientErrorKind::MissingApiKey);
        assert!(none.to_string().contains(ENV_API_KEY), "{none}");
    }

    #[test]
    fn api_key_is_redacted_and_checked() {
        let key = ApiKey::new("llx-secret-123").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        let bad = ApiKey::new("llx-secret\n123").unwrap_err();
        assert_eq!(bad.kind(), ClientErrorKind::InvalidConfig);
        assert!(!format!("{bad} {bad:?}").contains("secret"));
        assert_eq!(
            ApiKey::new("").unwrap_err().kind(),
            ClientErrorKind::MissingApiKey
        );
    }

    #[test]
    fn echoed_keys_are_redacted() {
        let key = ApiKey::new("llx-k3y").unwrap();
        assert_eq!(
            key.redact("auth Bearer llx-k3y echoed llx-k3y"),
            "auth Bearer <REDACTED> echoed <REDACTED>"
        );
        assert!(matches!(key.redact("nothing"), Cow::Borrowed("nothing")));
        let long = ApiKey::new("llx-secret-123").unwrap();
        assert_eq!(
            long.redact("bad key llx-secret-123!"),
            "bad key <REDACTED>!"
        );
        let short = ApiKey::new("a").unwrap();
        assert_eq!(short.redact("a banana"), "a banana");
    }

    #[test]
    fn echoed_keys_are_redacted_however_they_are_escaped() {
        let key = ApiKey::new("llx-a&b/c<d\\e\"f").unwrap();
        for echo in [
            r#"llx-a&b/c<d\e"f"#,
            // JSON, as Go's encoder writes `&`, `<`, `>`; `\/`; upper-case hex; every character.
            r#"llx-a\u0026b\/c\u003Cd\\e\"f"#,
            r#"\u006c\u006C\u0078\u002d\u0061\u0026\u0062\u002f\u0063\u003c\u0064\u005c\u0065\u0022\u0066"#,
            // Percent-encoded, as in an echoed URL.
            "llx-a%26b%2Fc%3cd%5Ce%22f",
        ] {
            let text = format!("{{\"detail\":\"Invalid key é{echo}é, {echo}\"}}");
            assert_eq!(
                key.redact(&text),
                "{\"detail\":\"Invalid key é<REDACTED>é, <REDACTED>\"}",
                "{echo}"
            );
        }
        // Near misses stay as they are: a different escaped character, a cut escape.
        for text in [
            r#"llx-a\u0027b/c<d\e"f"#,
            r#"llx-a\u002"#,
            "llx-a%2",
            "llx-a%zz",
            r#"llx-a\+0026"#,
        ] {
            assert!(matches!(key.redact(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn base_urls() {
        assert_eq!(
            validate_base_url("https://api.cloud.llamaindex.ai").unwrap(),
            DEFAULT_BASE_URL
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:4010/").unwrap(),
            "http://127.0.0.1:4010"
        );
        assert_eq!(
            validate_base_url("HTTP://example.com/prefix//").unwrap(),
            "HTTP://example.com/prefix"
        );
        for bad in [
            "ftp://x",
            "api.cloud.llamaindex.ai",
            "http://",
            "https://:80",
            "http://a b",
            "http://x/?q=1",
            "http://x/#f",
            "",
            "http://[::1",
            "http://h\\evil",
            "http://h%20x/",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:0",
            "http://127.0.0.1:",
            "http://127.0.0.1:+80",
            "http://127.0.0.1:80a/x",
        ] {
            let e = validate_base_url(bad).unwrap_err();
            assert_eq!(e.kind(), ClientErrorKind::InvalidConfig, "{bad}");
        }
        assert_eq!(
            validate_base_url("http://[::1]:8080/p/").unwrap(),
            "http://[::1]:8080/p"
        );
        assert_eq!(
            validate_base_url("https://h:65535").unwrap(),
            "https://h:65535"
        );
        // Credentials in the URL: refused, and not repeated in the message.
        for url in [
            "http://user:hunter2@127.0.0.1:1",
            "https://hunter2@h/x",
            // Also when the URL is wrong in other ways, which messages repeat it for.
            "ftp://user:hunter2@h",
            "https://user:hunter2@h/a b",
            "user:hunter2@h",
        ] {
            let e = validate_base_url(url).unwrap_err();
            assert_eq!(e.kind(), ClientErrorKind::InvalidConfig);
            assert!(!format!("{e} {e:?}").contains("hunter2"), "{e}");
            assert!(e.to_string().contains("user name or password"), "{e}");
        }
    }

    #[test]
    fn custom_headers_like_the_sdks() {
        let parsed = parse_custom_headers(
            "X-One: 1\n  X-Two :  two words  \nno colon here\n\nX-Url: http://a:b\r\n",
        )
        .unwrap();
        assert_eq!(
            parsed,
            [
                ("X-One".to_owned(), "1".to_owned()),
                ("X-Two".to_owned(), "two words".to_owned()),
                ("X-Url".to_owned(), "http://a:b".to_owned()),
            ]
        );
        let e = parse_custom_headers("ok: 1\nbad name: 2").unwrap_err();
        assert_eq!(e.kind(), ClientErrorKind::InvalidConfig);
        assert!(e.to_string().contains("line 2"), "{e}");
        assert!(parse_custom_headers(": empty name").is_err());
    }
}
