//! Arbitrary bytes placed where a session holds arbitrary JSON or text: an unknown top-level
//! field, a tool call's `arguments` member, a tool result's `result`, a stop's `usage`
//! member, and (between quotes) a text event's `content`. Reaches the value scanner,
//! unescaping and raw-value walking faster than whole sessions do.
#![no_main]

use libfuzzer_sys::fuzz_target;

const POSITIONS: [(&str, &str); 5] = [
    (
        r#"{"events":[],"session_id":"s","last_updated_at":"t","x":"#,
        r#"}"#,
    ),
    (
        r#"{"events":[{"type":"tool_call","call_id":"c","name":"n","arguments":{"a":"#,
        r#"}}],"session_id":"s","last_updated_at":"t"}"#,
    ),
    (
        r#"{"events":[{"type":"tool_result","call_id":"c","name":"n","result":"#,
        r#"}],"session_id":"s","last_updated_at":"t"}"#,
    ),
    (
        r#"{"events":[{"type":"stop","error":null,"is_error":false,"usage":{"x":"#,
        r#"}}],"session_id":"s","last_updated_at":"t"}"#,
    ),
    (
        r#"{"events":[{"type":"text","content":""#,
        r#""}],"session_id":"s","last_updated_at":"t"}"#,
    ),
];

fuzz_target!(|data: &[u8]| {
    for (head, tail) in POSITIONS {
        let mut doc = Vec::with_capacity(head.len() + data.len() + tail.len());
        doc.extend_from_slice(head.as_bytes());
        doc.extend_from_slice(data);
        doc.extend_from_slice(tail.as_bytes());
        let _ = lcsession_fuzz::check_session(&doc);
    }
});
