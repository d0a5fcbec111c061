//! The request URL: `{base}/api/v1/chat/{session_id}?organization_id=..&project_id=..`.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::error::{ClientError, ClientErrorKind};

/// Everything but RFC 3986 "unreserved" characters (`A-Z a-z 0-9 - . _ ~`) is
/// percent-encoded, so a session id stays exactly one path segment and a query value
/// cannot start another parameter.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Checks a session id: `""`, `.` and `..` would address another resource once in a
/// path (`/api/v1/chat/` or `/api/v1/`), so they are refused before any request.
pub fn check_session_id(session_id: &str) -> Result<(), ClientError> {
    let why = match session_id {
        "" => "the session id is empty",
        "." | ".." => "the session id must not be \".\" or \"..\"",
        _ => return Ok(()),
    };
    Err(ClientError::new(ClientErrorKind::InvalidSessionId, why))
}

/// Builds the URL of the Get Full Session call. `base` comes from
/// [`super::config::validate_base_url`] (no trailing slash).
pub fn session_url(
    base: &str,
    session_id: &str,
    organization_id: Option<&str>,
    project_id: Option<&str>,
) -> Result<String, ClientError> {
    check_session_id(session_id)?;
    let mut url = format!(
        "{base}/api/v1/chat/{}",
        utf8_percent_encode(session_id, COMPONENT)
    );
    let mut separator = '?';
    for (name, value) in [
        ("organization_id", organization_id),
        ("project_id", project_id),
    ] {
        if let Some(value) = value {
            url.push(separator);
            url.push_str(name);
            url.push('=');
            url.extend(utf8_percent_encode(value, COMPONENT));
            separator = '&';
        }
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://h";

    fn url(id: &str) -> String {
        session_url(BASE, id, None, None).unwrap()
    }

    #[test]
    fn plain_ids_are_unchanged() {
        assert_eq!(url("ses-abc_123.x~"), "http://h/api/v1/chat/ses-abc_123.x~");
        assert_eq!(
            url("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            "http://h/api/v1/chat/3fa85f64-5717-4562-b3fc-2c963f66afa6"
        );
    }

    #[test]
    fn hostile_ids_stay_one_segment() {
        assert_eq!(url("a/b"), "http://h/api/v1/chat/a%2Fb");
        assert_eq!(url("a?b=c"), "http://h/api/v1/chat/a%3Fb%3Dc");
        assert_eq!(url("a#b"), "http://h/api/v1/chat/a%23b");
        assert_eq!(url("a b"), "http://h/api/v1/chat/a%20b");
        assert_eq!(url("100%"), "http://h/api/v1/chat/100%25");
        assert_eq!(url("%2e%2e"), "http://h/api/v1/chat/%252e%252e");
        assert_eq!(url("../x"), "http://h/api/v1/chat/..%2Fx");
        assert_eq!(url("...").as_str(), "http://h/api/v1/chat/...");
        assert_eq!(url("é😀"), "http://h/api/v1/chat/%C3%A9%F0%9F%98%80");
        assert_eq!(url("a\r\nX: y"), "http://h/api/v1/chat/a%0D%0AX%3A%20y");
        assert_eq!(url("\0"), "http://h/api/v1/chat/%00");
    }

    #[test]
    fn empty_dot_and_dotdot_are_refused() {
        for id in ["", ".", ".."] {
            let e = session_url(BASE, id, None, None).unwrap_err();
            assert_eq!(e.kind(), ClientErrorKind::InvalidSessionId, "{id:?}");
        }
    }

    #[test]
    fn query_parameters_are_omitted_when_unset() {
        assert_eq!(
            session_url(BASE, "s", Some("org 1"), None).unwrap(),
            "http://h/api/v1/chat/s?organization_id=org%201"
        );
        assert_eq!(
            session_url(BASE, "s", None, Some("p&x=1")).unwrap(),
            "http://h/api/v1/chat/s?project_id=p%26x%3D1"
        );
        assert_eq!(
            session_url(BASE, "s", Some("o"), Some("p")).unwrap(),
            "http://h/api/v1/chat/s?organization_id=o&project_id=p"
        );
    }
}
