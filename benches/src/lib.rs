//! Shared pieces of the lcsession benchmarks and of the size/stack report.
//!
//! - [`typed`]: the serde_json baselines — borrowed typed structs equivalent to what
//!   `lcsession-core` decodes (a flat event struct, and an internally tagged enum for
//!   information).
//! - [`read`]: "read every field of every event", written once per representation so that
//!   the benchmark rows do the same work.
//! - [`stack`]: peak stack measurement by stack painting (x86_64 Linux).
//!
//! Run everything with `bash benches/report.sh` (see `benches/README.md`).
#![deny(missing_docs)]

pub mod read;
pub mod stack;
pub mod typed;

/// The small realistic sample dump shipped in `examples/data/`.
pub const SAMPLE: &[u8] = include_bytes!("../../examples/data/sample-session.json");

/// A valid session whose single `tool_call` has `arguments` nested `depth` objects deep
/// (`{"a":{"a":…{"a":1}…}}`), plus a few ordinary events around it.
///
/// With `depth = 120` the innermost object is at document depth 123, under the default limit
/// of 128 (the session object is depth 1, `events` 2, the event 3, `arguments` 4).
pub fn nested_document(depth: usize) -> String {
    let mut doc = String::from(
        r#"{"events":[{"type":"user_input","content":"go deep"},{"type":"tool_call","call_id":"c1","name":"deep","arguments":"#,
    );
    for _ in 0..depth {
        doc.push_str(r#"{"a":"#);
    }
    doc.push('1');
    for _ in 0..depth {
        doc.push('}');
    }
    doc.push_str(
        r#"},{"type":"tool_result","call_id":"c1","name":"deep","result":[1,2,3]},{"type":"stop","error":null,"is_error":false,"usage":{"turns":1}}],"session_id":"ses-deep","last_updated_at":"2026-04-22T12:34:41.342245"}"#,
    );
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_document_is_valid_and_as_deep_as_asked() {
        let doc = nested_document(120);
        let session = lcsession_core::parse(doc.as_bytes()).unwrap();
        assert_eq!(session.event_count(), 4);
        let call = session.events().nth(1).unwrap();
        let mut v = call.tool_call().unwrap().arguments;
        let mut levels = 0;
        while let Some(inner) = v.get("a") {
            v = inner;
            levels += 1;
        }
        assert_eq!(levels, 120);
        assert_eq!(v.as_u64(), Ok(1));
        // Depth 3 + 125 = 128 is the default limit; one level more is rejected.
        assert!(lcsession_core::parse(nested_document(125).as_bytes()).is_ok());
        assert!(lcsession_core::parse(nested_document(126).as_bytes()).is_err());
    }

    #[test]
    fn sample_parses() {
        let session = lcsession_core::parse(SAMPLE).unwrap();
        assert_eq!(session.event_count(), 45);
    }
}
