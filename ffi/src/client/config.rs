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

/// An API key. Its `Debug` output is `ApiKey(<redacted>)`, and nothing in this crate
/// formats it anywhere else than into the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key; it must be non-empty and valid in an HTTP header (visible ASCII,
    /// spaces and tabs). The error does not repeat the key.
    pub fn new(key: impl Into<String>) -> Result<Self, ClientError> {
        let key = key.into();
        if key.is_empty() {
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
    /// (an empty variable counts as unset).
    pub fn from_env() -> Result<Self, ClientError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ClientError> {
        for name in [ENV_API_KEY, ENV_PARSE_API_KEY] {
            if let Some(key) = lookup(name).filter(|k| !k.is_empty()) {
                return Self::new(key);
            }
        }
        Err(ClientError::new(
            ClientErrorKind::MissingApiKey,
            format!(
                "no API key: pass one (e.g. --api-key) or set {ENV_API_KEY} \
                 (or {ENV_PARSE_API_KEY})"
            ),
        ))
    }

    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// `text` with every occurrence of the key replaced by `<REDACTED>`, for text the server
    /// wrote (an error body, a header) that may echo the key back. Keys shorter than
    /// [`MIN_REDACTED_KEY_LEN`] are not searched for: replacing every `a` would garble the
    /// text and protect nothing.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.0.len() >= MIN_REDACTED_KEY_LEN && text.contains(self.0.as_str()) {
            Cow::Owned(text.replace(self.0.as_str(), REDACTED))
        } else {
            Cow::Borrowed(text)
        }
    }
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

/// Checks a base URL: `http://` or `https://`, a host, no whitespace, no query or
/// fragment. Returns it without trailing slashes, ready for `+ "/api/v1/chat/..."`.
pub fn validate_base_url(url: &str) -> Result<String, ClientError> {
    let invalid = |why: &str| {
        ClientError::new(
            ClientErrorKind::InvalidConfig,
            format!("invalid base URL {url:?}: {why}"),
        )
    };
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        url.get(8..)
    } else if lower.starts_with("http://") {
        url.get(7..)
    } else {
        return Err(invalid("it must start with http:// or https://"));
    };
    let rest = rest.unwrap_or_default();
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("it contains whitespace or a control character"));
    }
    if url.contains(['?', '#']) {
        return Err(invalid("it must not have a query or fragment"));
    }
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() || host.starts_with(':') {
        return Err(invalid("it has no host"));
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
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let both = ApiKey::from_lookup(env(&[(ENV_API_KEY, "a"), (ENV_PARSE_API_KEY, "b")]));
        assert_eq!(both.unwrap().bearer(), "Bearer a");
        let parse = ApiKey::from_lookup(env(&[(ENV_PARSE_API_KEY, "b")]));
        assert_eq!(parse.unwrap().bearer(), "Bearer b");
        let empty_first = ApiKey::from_lookup(env(&[(ENV_API_KEY, ""), (ENV_PARSE_API_KEY, "b")]));
        assert_eq!(empty_first.unwrap().bearer(), "Bearer b");
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
        ] {
            let e = validate_base_url(bad).unwrap_err();
            assert_eq!(e.kind(), ClientErrorKind::InvalidConfig, "{bad}");
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
