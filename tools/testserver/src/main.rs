//! `lcsession-testserver FILE [--chunked]`: serves FILE as the answer to every request on
//! an ephemeral port of 127.0.0.1, prints the base URL on the first line of stdout, and
//! logs each new TCP connection on stderr. Stops at end of stdin (or when killed).
//! Used by `benches/retrieve.sh` and `.ci/ffi.sh`. `--help` (`-h`) prints the usage.

use std::io::{BufRead, Write};
use std::sync::Arc;

use lcsession_testserver::{BodyMode, Reply, Server};

const USAGE: &str = "\
usage: lcsession-testserver [--chunked] FILE

Serves FILE as the 200 answer to every request on an ephemeral port of 127.0.0.1, prints
the base URL on the first line of stdout and logs each new TCP connection on stderr. Stops
at the end of stdin (then prints the request and connection counts on stderr) or when
killed.

options:
  --chunked   send the body with chunked transfer encoding (64 KiB chunks) instead of a
              Content-Length
  -h, --help  print this help and exit
  --          end of options (a FILE that starts with '-' follows)
";

/// The command line: `Ok(None)` for `--help`, else the file and `--chunked`.
fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Option<(String, bool)>, String> {
    let mut file = None;
    let mut chunked = false;
    let mut options_end = false;
    for arg in args {
        match arg.as_str() {
            "-h" | "--help" if !options_end => return Ok(None),
            "--chunked" if !options_end => chunked = true,
            "--" if !options_end => options_end = true,
            option if !options_end && option.starts_with('-') && option != "-" => {
                return Err(format!("unknown option {option}"));
            }
            _ if file.is_some() => return Err(format!("unexpected argument {arg}")),
            _ => file = Some(arg),
        }
    }
    match file {
        Some(file) => Ok(Some((file, chunked))),
        None => Err("no FILE given".into()),
    }
}

fn main() {
    let (file, chunked) = match parse_args(std::env::args().skip(1)) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            print!("{USAGE}");
            let _ = std::io::stdout().flush();
            return;
        }
        Err(e) => {
            let usage = USAGE.lines().next().unwrap_or_default();
            eprintln!("lcsession-testserver: {e}\n{usage} (--help for more)");
            std::process::exit(2);
        }
    };
    let body = match std::fs::read(&file) {
        Ok(b) => Arc::new(b),
        Err(e) => {
            eprintln!("lcsession-testserver: {file}: {e}");
            std::process::exit(1);
        }
    };
    let reply = Reply::shared(200, body).mode(if chunked {
        BodyMode::Chunked(64 * 1024)
    } else {
        BodyMode::Full
    });
    let server = Server::start(move |_, _| reply.clone());
    println!("{}", server.base_url());
    let _ = std::io::stdout().flush();
    // Serve until stdin closes, then report the counts.
    let stdin = std::io::stdin();
    for _ in stdin.lock().lines() {}
    eprintln!(
        "lcsession-testserver: {} requests on {} connections",
        server.requests().len(),
        server.connections()
    );
}

#[cfg(test)]
mod tests {
    use super::parse_args;

    fn parse(args: &[&str]) -> Result<Option<(String, bool)>, String> {
        parse_args(args.iter().map(|a| a.to_string()))
    }

    #[test]
    fn help_is_not_a_file_name() {
        assert_eq!(parse(&["--help"]), Ok(None));
        assert_eq!(parse(&["-h"]), Ok(None));
        assert_eq!(parse(&["file.json", "--help"]), Ok(None));
        assert_eq!(parse(&["--chunked", "-h", "file.json"]), Ok(None));
    }

    #[test]
    fn file_and_chunked_in_either_order() {
        let want = Ok(Some(("f.json".to_owned(), true)));
        assert_eq!(parse(&["f.json", "--chunked"]), want);
        assert_eq!(parse(&["--chunked", "f.json"]), want);
        assert_eq!(parse(&["f.json"]), Ok(Some(("f.json".to_owned(), false))));
        assert_eq!(parse(&["-"]), Ok(Some(("-".to_owned(), false))));
    }

    #[test]
    fn after_double_dash_everything_is_the_file() {
        assert_eq!(
            parse(&["--", "--help"]),
            Ok(Some(("--help".to_owned(), false)))
        );
        assert_eq!(
            parse(&["--chunked", "--", "-h"]),
            Ok(Some(("-h".to_owned(), true)))
        );
    }

    #[test]
    fn usage_errors() {
        assert!(parse(&[]).is_err());
        assert!(parse(&["--chunked"]).is_err());
        assert!(parse(&["--chunk", "f.json"])
            .unwrap_err()
            .contains("--chunk"));
        assert!(parse(&["a.json", "b.json"]).unwrap_err().contains("b.json"));
        assert!(parse(&["--"]).is_err());
    }
}
