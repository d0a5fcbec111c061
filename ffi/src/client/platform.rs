//! The `X-Stainless-*` platform headers, spelled as the official SDKs spell them.

/// `X-Stainless-OS`: `Linux`, `MacOS`, `Windows`, `FreeBSD`, `OpenBSD`, `Android`, `iOS`
/// or `Other:<os>`.
pub fn os() -> String {
    match std::env::consts::OS {
        "linux" => "Linux".into(),
        "macos" => "MacOS".into(),
        "windows" => "Windows".into(),
        "freebsd" => "FreeBSD".into(),
        "openbsd" => "OpenBSD".into(),
        "android" => "Android".into(),
        "ios" => "iOS".into(),
        other => format!("Other:{other}"),
    }
}

/// `X-Stainless-Arch`: `x64`, `x32`, `arm64`, `arm` or `other:<arch>`.
pub fn arch() -> String {
    match std::env::consts::ARCH {
        "x86_64" => "x64".into(),
        "x86" => "x32".into(),
        "aarch64" => "arm64".into(),
        "arm" => "arm".into(),
        other => format!("other:{other}"),
    }
}

/// `X-Stainless-Runtime-Version`: the version of the compiler that built this library.
pub const RUNTIME_VERSION: &str = env!("LCSESSION_RUSTC_VERSION");

#[cfg(test)]
mod tests {
    #[test]
    fn names_follow_the_sdks() {
        #[cfg(all(target_os = "linux", target_arch = "x86_64"))]
        assert_eq!(
            (super::os().as_str(), super::arch().as_str()),
            ("Linux", "x64")
        );
        assert!(
            super::RUNTIME_VERSION.starts_with("1."),
            "{}",
            super::RUNTIME_VERSION
        );
    }
}
