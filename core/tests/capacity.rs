//! Capacity edges: every fixed-capacity header string and list at N-1, N and N+1, with
//! multi-byte characters (raw and escaped) straddling the boundary. A value that fits is
//! accepted whole; one byte or item over is `ErrorKind::Capacity`, never a truncation.

mod common;

use common::{assert_err, at_last, hd, header_doc};
use lcsession_core::{Error, ErrorKind, Field, Header, Session};

const ID: usize = 8;
const TEXT: usize = 16;
const LIST: usize = 2;

type Small<'a> = Session<'a, ID, TEXT, LIST>;
type SmallHeader = Header<ID, TEXT, LIST>;

fn small(doc: &str) -> Result<SmallHeader, Error> {
    Small::parse(doc.as_bytes()).map(Session::into_header)
}

/// A JSON string literal (with quotes), its decoded text, and whether it fits `n` bytes.
/// Covers ASCII, raw and escaped 2-byte `é`, raw and escaped 4-byte `😀` (a surrogate pair),
/// short escapes, and escapes whose raw form is much longer than the capacity.
fn cases(n: usize) -> Vec<(String, String, bool)> {
    let a = |k: usize| "a".repeat(k);
    let mut v = Vec::new();
    let mut add = |lit: String, decoded: String| {
        let fits = decoded.len() <= n;
        v.push((format!("\"{lit}\""), decoded, fits));
    };
    for k in [n - 1, n, n + 1] {
        add(a(k), a(k));
    }
    for k in [n - 3, n - 2, n - 1] {
        add(format!("{}é", a(k)), format!("{}é", a(k)));
        add(format!(r"{}\u00e9", a(k)), format!("{}é", a(k)));
        add(format!(r"{}\u00E9", a(k)), format!("{}é", a(k)));
    }
    for k in [n - 5, n - 4, n - 3] {
        add(format!("{}😀", a(k)), format!("{}😀", a(k)));
        add(format!(r"{}\ud83d\ude00", a(k)), format!("{}😀", a(k)));
        // The multi-byte character first, the boundary in ASCII.
        add(format!(r"\ud83d\ude00{}", a(k)), format!("😀{}", a(k)));
    }
    for k in [n - 1, n] {
        add(format!(r"{}\n", a(k)), format!("{}\n", a(k)));
        add(format!(r#"\"{}"#, a(k)), format!("\"{}", a(k)));
    }
    // Raw text far longer than the capacity, decoded text exactly at it / one over.
    add(r"\u0061".repeat(n), a(n));
    add(r"\u0061".repeat(n + 1), a(n + 1));
    // Only two-byte characters: n is even here, so n/2 fit and n/2 + 1 do not.
    add("é".repeat(n / 2), "é".repeat(n / 2));
    add(r"\u00e9".repeat(n / 2 + 1), "é".repeat(n / 2 + 1));
    // Empty always fits.
    add(String::new(), String::new());
    let fits = v.iter().filter(|c| c.2).count();
    assert!(fits > 5 && v.len() - fits > 5);
    v
}

struct Target {
    field: &'static str,
    capacity: usize,
    doc: fn(&str) -> String,
    get: fn(&SmallHeader) -> Option<&str>,
}

const TARGETS: &[Target] = &[
    Target {
        field: "session_id",
        capacity: ID,
        doc: |lit| format!(r#"{{"events":[],"session_id":{lit},"last_updated_at":"t"}}"#),
        get: |h| Some(h.session_id.as_str()),
    },
    Target {
        field: "last_updated_at",
        capacity: ID,
        doc: |lit| format!(r#"{{"last_updated_at":{lit},"events":[],"session_id":"s"}}"#),
        get: |h| Some(h.last_updated_at.as_str()),
    },
    Target {
        field: "generated_title",
        capacity: TEXT,
        doc: |lit| header_doc(&format!(r#""generated_title":{lit}"#)),
        get: |h| h.generated_title.present().map(|s| s.as_str()),
    },
    Target {
        field: "job_metadata.error",
        capacity: TEXT,
        doc: |lit| header_doc(&format!(r#""job_metadata":{{"turns":1,"error":{lit}}}"#)),
        get: |h| {
            h.job_metadata
                .present()
                .and_then(|j| j.error.present())
                .map(|s| s.as_str())
        },
    },
    Target {
        field: "index_ids[]",
        capacity: ID,
        doc: |lit| header_doc(&format!(r#""index_ids":["x",{lit}]"#)),
        get: |h| {
            let ids = h.index_ids.present()?;
            assert_eq!(ids.len(), 2);
            assert_eq!(ids[0].as_str(), "x");
            Some(ids[1].as_str())
        },
    },
    Target {
        field: "job_metadata.export_config_ids[]",
        capacity: ID,
        doc: |lit| {
            header_doc(&format!(
                r#""job_metadata":{{"export_config_ids":[{lit}]}}"#
            ))
        },
        get: |h| {
            let ids = h.job_metadata.present()?.export_config_ids.present()?;
            assert_eq!(ids.len(), 1);
            Some(ids[0].as_str())
        },
    },
];

#[test]
fn strings_at_the_capacity_boundary() {
    let mut checked = 0;
    for t in TARGETS {
        for (lit, decoded, fits) in cases(t.capacity) {
            let d = (t.doc)(&lit);
            match small(&d) {
                Ok(h) => {
                    assert!(fits, "{} accepted {lit} ({} bytes)", t.field, decoded.len());
                    assert_eq!((t.get)(&h), Some(decoded.as_str()), "{} {lit}", t.field);
                }
                Err(err) => {
                    assert!(!fits, "{} rejected {lit}: {err}", t.field);
                    assert_err(
                        err,
                        ErrorKind::Capacity {
                            at: hd(t.field),
                            capacity: t.capacity,
                        },
                        at_last(&d, &lit),
                        &d,
                    );
                    assert!(!err.is_syntax());
                    assert_eq!(
                        err.to_string(),
                        format!(
                            "field `{}`: does not fit its capacity of {} at byte {}",
                            t.field,
                            t.capacity,
                            err.offset()
                        )
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 100);
}

#[test]
fn the_same_values_fit_default_capacities() {
    for t in TARGETS {
        for (lit, decoded, _) in cases(t.capacity) {
            let d = (t.doc)(&lit);
            let h = lcsession_core::parse(d.as_bytes()).unwrap().into_header();
            let got = match t.field {
                "session_id" => h.session_id.to_string(),
                "last_updated_at" => h.last_updated_at.to_string(),
                "generated_title" => h.generated_title.present().unwrap().to_string(),
                "job_metadata.error" => h
                    .job_metadata
                    .present()
                    .unwrap()
                    .error
                    .present()
                    .unwrap()
                    .to_string(),
                "index_ids[]" => h.index_ids.present().unwrap()[1].to_string(),
                _ => h
                    .job_metadata
                    .present()
                    .unwrap()
                    .export_config_ids
                    .present()
                    .unwrap()[0]
                    .to_string(),
            };
            assert_eq!(got, decoded);
        }
    }
}

#[test]
fn list_counts_at_the_capacity_boundary() {
    let items = |n: usize| {
        (0..n)
            .map(|i| format!("\"id-{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    };
    for n in [0, LIST - 1, LIST, LIST + 1, LIST + 5] {
        let list = items(n);
        for (field, d) in [
            ("index_ids", header_doc(&format!(r#""index_ids":[{list}]"#))),
            (
                "job_metadata.export_config_ids",
                header_doc(&format!(
                    r#""job_metadata":{{"export_config_ids":[{list}],"turns":1}}"#
                )),
            ),
        ] {
            match small(&d) {
                Ok(h) => {
                    assert!(n <= LIST, "{field} accepted {n} items");
                    let got = if field == "index_ids" {
                        h.index_ids.present().unwrap().clone()
                    } else {
                        h.job_metadata
                            .present()
                            .unwrap()
                            .export_config_ids
                            .present()
                            .unwrap()
                            .clone()
                    };
                    let got: Vec<&str> = got.iter().map(|s| s.as_str()).collect();
                    let want: Vec<String> = (0..n).map(|i| format!("id-{i}")).collect();
                    assert_eq!(got, want);
                }
                Err(err) => {
                    assert!(n > LIST, "{field} rejected {n} items: {err}");
                    // Reported at the first item that does not fit.
                    assert_err(
                        err,
                        ErrorKind::Capacity {
                            at: hd(field),
                            capacity: LIST,
                        },
                        at_last(&d, &format!("\"id-{LIST}\"")),
                        &d,
                    );
                }
            }
        }
    }
}

#[test]
fn zero_capacities() {
    type Zero<'a> = Session<'a, 0, 0, 0>;
    let ok = r#"{"events":[],"session_id":"","last_updated_at":"","generated_title":"","index_ids":[],"job_metadata":{"error":"","export_config_ids":[]}}"#;
    let h = Zero::parse(ok.as_bytes()).unwrap().into_header();
    assert_eq!(h.session_id.as_str(), "");
    assert_eq!(h.generated_title.present().map(|s| s.as_str()), Some(""));
    assert_eq!(h.index_ids.present().map(|l| l.len()), Some(0));
    for (d, field, capacity, bad) in [
        (
            r#"{"events":[],"session_id":"a","last_updated_at":""}"#,
            "session_id",
            0,
            r#""a""#,
        ),
        (
            r#"{"events":[],"session_id":"","last_updated_at":"","generated_title":"\u0000"}"#,
            "generated_title",
            0,
            r#""\u0000""#,
        ),
        (
            r#"{"events":[],"session_id":"","last_updated_at":"","index_ids":[""]}"#,
            "index_ids",
            0,
            r#""""#,
        ),
    ] {
        let err = Zero::parse(d.as_bytes()).unwrap_err();
        assert_err(
            err,
            ErrorKind::Capacity {
                at: hd(field),
                capacity,
            },
            at_last(d, bad),
            d,
        );
    }
    // Null and missing need no capacity.
    let d = r#"{"events":[],"session_id":"","last_updated_at":"","generated_title":null,"index_ids":null}"#;
    let h = Zero::parse(d.as_bytes()).unwrap().into_header();
    assert_eq!(h.generated_title, Field::Null);
    assert_eq!(h.index_ids, Field::Null);
}

#[test]
fn default_capacity_edges() {
    let id = |n: usize| {
        format!(
            r#"{{"events":[],"session_id":"{}","last_updated_at":"t"}}"#,
            "s".repeat(n)
        )
    };
    assert_eq!(
        lcsession_core::parse(id(128).as_bytes())
            .unwrap()
            .header()
            .session_id
            .len(),
        128
    );
    let d = id(129);
    assert_eq!(
        lcsession_core::parse(d.as_bytes()).unwrap_err().kind(),
        ErrorKind::Capacity {
            at: hd("session_id"),
            capacity: 128
        }
    );
    let title = |n: usize| header_doc(&format!(r#""generated_title":"{}""#, "t".repeat(n)));
    assert!(lcsession_core::parse(title(512).as_bytes()).is_ok());
    assert_eq!(
        lcsession_core::parse(title(513).as_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::Capacity {
            at: hd("generated_title"),
            capacity: 512
        }
    );
    let list = |n: usize| header_doc(&format!(r#""index_ids":[{}]"#, vec![r#""i""#; n].join(",")));
    assert_eq!(
        lcsession_core::parse(list(16).as_bytes())
            .unwrap()
            .header()
            .index_ids
            .present()
            .unwrap()
            .len(),
        16
    );
    assert_eq!(
        lcsession_core::parse(list(17).as_bytes())
            .unwrap_err()
            .kind(),
        ErrorKind::Capacity {
            at: hd("index_ids"),
            capacity: 16
        }
    );
}

#[test]
fn capacities_do_not_limit_events() {
    // Event strings are borrowed, so capacities never apply to them.
    let long = "x".repeat(10_000);
    let d = common::doc(&[&format!(r#"{{"type":"text","content":"{long}"}}"#)]);
    let s = Session::<1, 1, 0>::parse(d.as_bytes()).unwrap();
    assert_eq!(
        s.events().next().unwrap().content().unwrap().as_str(),
        Some(long.as_str())
    );
}
