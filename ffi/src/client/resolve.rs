//! Name resolution: a host that is already an IP address is used as it is.
//!
//! ureq's default resolver runs every lookup that has a timeout on a new, detached thread,
//! even `127.0.0.1`. That costs a thread per connection and leaves a thread that may still
//! be exiting when a short program (a C example on a closed port) returns. An IP literal
//! needs no lookup, so [`LiteralFirst`] answers it at once; a name goes to ureq's
//! [`DefaultResolver`] unchanged (system lookup within the resolve timeout).

use std::net::{IpAddr, SocketAddr};

use ureq::config::Config;
use ureq::http::uri::Scheme;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// Resolves IP-literal hosts without a lookup or a thread; names go to [`DefaultResolver`].
#[derive(Debug, Default)]
pub struct LiteralFirst {
    names: DefaultResolver,
}

impl Resolver for LiteralFirst {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let Some(addr) = literal_address(uri) else {
            return self.names.resolve(uri, config, timeout);
        };
        let mut result = self.empty();
        for wanted in config.ip_family().keep_wanted(std::iter::once(addr)) {
            result.push(wanted);
        }
        if result.is_empty() {
            // An IPv6 literal with an IPv4-only agent (or the reverse), as ureq reports it.
            return Err(ureq::Error::HostNotFound);
        }
        Ok(result)
    }
}

/// The socket address of an `http`/`https` URI whose host is an IP address (`[...]` for
/// IPv6), with the scheme's default port when none is given; `None` for anything else.
fn literal_address(uri: &Uri) -> Option<SocketAddr> {
    let authority = uri.authority()?;
    let default_port = match uri.scheme() {
        Some(scheme) if *scheme == Scheme::HTTP => 80,
        Some(scheme) if *scheme == Scheme::HTTPS => 443,
        _ => return None,
    };
    let host = authority.host();
    let host = host
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(host);
    let ip: IpAddr = host.parse().ok()?;
    Some(SocketAddr::new(
        ip,
        authority.port_u16().unwrap_or(default_port),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(uri: &str) -> Option<String> {
        let uri: Uri = uri.parse().expect("test URI");
        literal_address(&uri).map(|addr| addr.to_string())
    }

    #[test]
    fn ip_literals_resolve_to_themselves() {
        assert_eq!(
            literal("http://127.0.0.1:8080/x").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(
            literal("http://127.0.0.1/x").as_deref(),
            Some("127.0.0.1:80")
        );
        assert_eq!(
            literal("https://10.1.2.3/").as_deref(),
            Some("10.1.2.3:443")
        );
        assert_eq!(literal("http://[::1]:9/").as_deref(), Some("[::1]:9"));
        assert_eq!(
            literal("https://[fe80::1]/").as_deref(),
            Some("[fe80::1]:443")
        );
    }

    #[test]
    fn names_and_other_schemes_go_to_the_system_resolver() {
        assert_eq!(literal("https://api.cloud.llamaindex.ai/api"), None);
        assert_eq!(literal("http://localhost:8080/"), None);
        assert_eq!(literal("http://127.0.0.1.nip.io/"), None);
        assert_eq!(literal("socks5://127.0.0.1:1080"), None);
    }

    #[test]
    fn the_agent_family_filter_still_applies() {
        let uri: Uri = "http://[::1]:9/".parse().expect("test URI");
        let v4_only = Config::builder()
            .ip_family(ureq::config::IpFamily::Ipv4Only)
            .build();
        let timeout = NextTimeout {
            after: ureq::unversioned::transport::time::Duration::NotHappening,
            reason: ureq::Timeout::Resolve,
            ..NextTimeout::default()
        };
        let result = LiteralFirst::default().resolve(&uri, &v4_only, timeout);
        assert!(
            matches!(result, Err(ureq::Error::HostNotFound)),
            "{result:?}"
        );
        let any = Config::builder().build();
        let result = LiteralFirst::default()
            .resolve(&uri, &any, timeout)
            .expect("a literal");
        assert_eq!(
            result.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
            ["[::1]:9"]
        );
    }
}
