//! `lcsession-gen`: writes the sample session or seeded benchmark sessions.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lcsession_gen::{long_texts, many_deltas, sample, BENCH_BYTES, BENCH_SEED, SAMPLE_FILE_NAME};

const USAGE: &str = "\
usage:
  lcsession-gen sample
      write the sample session to stdout
  lcsession-gen long-texts  [--bytes N] [--seed S] [--out FILE]
  lcsession-gen many-deltas [--bytes N] [--seed S] [--out FILE]
      write a compact synthetic session of at least N bytes (default 12M)
      to FILE or stdout; N accepts a K/M/G suffix (powers of 1024), S is
      decimal or 0x-prefixed hex
  lcsession-gen write-samples DIR
      write DIR/sample-session.json (DIR is created if missing)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("lcsession-gen: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(format!("missing command\n{USAGE}"));
    };
    match cmd.as_str() {
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        "sample" => {
            if let Some(extra) = rest.first() {
                return Err(format!("unexpected argument {extra:?} for `sample`"));
            }
            emit(&sample(), None)
        }
        "long-texts" | "many-deltas" => {
            let opts = parse_opts(rest)?;
            let doc = if cmd == "long-texts" {
                long_texts(opts.bytes, opts.seed)
            } else {
                many_deltas(opts.bytes, opts.seed)
            };
            emit(&doc, opts.out.as_deref())
        }
        "write-samples" => {
            let [dir] = rest else {
                return Err(format!(
                    "`write-samples` takes exactly one DIR argument\n{USAGE}"
                ));
            };
            let dir = Path::new(dir);
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let path = dir.join(SAMPLE_FILE_NAME);
            let doc = sample();
            emit(&doc, Some(&path))?;
            eprintln!("wrote {} ({} bytes)", path.display(), doc.len());
            Ok(())
        }
        other => Err(format!("unknown command {other:?}\n{USAGE}")),
    }
}

struct Opts {
    bytes: usize,
    seed: u64,
    out: Option<PathBuf>,
}

fn parse_opts(args: &[String]) -> Result<Opts, String> {
    let mut opts = Opts {
        bytes: BENCH_BYTES,
        seed: BENCH_SEED,
        out: None,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag {
            "--bytes" => opts.bytes = parse_bytes(&value()?)?,
            "--seed" => opts.seed = parse_seed(&value()?)?,
            "--out" => opts.out = Some(PathBuf::from(value()?)),
            _ => return Err(format!("unknown option {arg:?}\n{USAGE}")),
        }
    }
    Ok(opts)
}

fn parse_bytes(s: &str) -> Result<usize, String> {
    let err = || format!("invalid byte count {s:?} (expected e.g. 1048576, 512K, 12M)");
    let (digits, mult) = match s.char_indices().last() {
        Some((i, 'k' | 'K')) => (&s[..i], 1usize << 10),
        Some((i, 'm' | 'M')) => (&s[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&s[..i], 1 << 30),
        _ => (s, 1),
    };
    let n: usize = digits.parse().map_err(|_| err())?;
    n.checked_mul(mult).ok_or_else(err)
}

fn parse_seed(s: &str) -> Result<u64, String> {
    let parsed = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(&hex.replace('_', ""), 16),
        None => s.replace('_', "").parse(),
    };
    parsed.map_err(|_| format!("invalid seed {s:?} (expected a u64, decimal or 0x-hex)"))
}

fn emit(doc: &str, out: Option<&Path>) -> Result<(), String> {
    match out {
        Some(path) => {
            std::fs::write(path, doc).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(doc.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("cannot write to stdout: {e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sizes_and_seeds() {
        assert_eq!(parse_bytes("1000"), Ok(1000));
        assert_eq!(parse_bytes("512K"), Ok(512 * 1024));
        assert_eq!(parse_bytes("12M"), Ok(12 * 1024 * 1024));
        assert!(parse_bytes("12X").is_err());
        assert!(parse_bytes("").is_err());
        assert_eq!(parse_seed("42"), Ok(42));
        assert_eq!(parse_seed("0xff"), Ok(255));
        assert!(parse_seed("-1").is_err());
    }

    #[test]
    fn parses_options() {
        let args: Vec<String> = ["--bytes=2K", "--seed", "0x10", "--out", "x.json"]
            .map(String::from)
            .to_vec();
        let o = parse_opts(&args).unwrap();
        assert_eq!((o.bytes, o.seed), (2048, 16));
        assert_eq!(o.out, Some(PathBuf::from("x.json")));
        assert!(parse_opts(&["--bytes".to_owned()]).is_err());
        assert!(parse_opts(&["--frob".to_owned()]).is_err());
    }
}
