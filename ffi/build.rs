//! Records the compiler version for the `X-Stainless-Runtime-Version` request header.

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=LCSESSION_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
