//! Differential against serde_json. The input is placed as the value of an unknown field
//! (any JSON value) and, separately, between the quotes of a text event's `content`; both
//! parsers read the same document. They must agree on accept/reject (serde_json's "number
//! out of range" counts as valid JSON, and documents where either side hits its depth limit
//! or lcsession reports a schema error are skipped), and when both accept, the unknown
//! field's value and the content string must decode to the same strings and numbers.
#![no_main]

use lcsession_fuzz::{
    check_session, decode, serde_error_is_depth, serde_error_is_number_range, to_value,
};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn compare(doc: &[u8], read: impl Fn(&lcsession_core::Session<'_>, &Value)) {
    let ours = check_session(doc);
    let theirs = serde_json::from_slice::<Value>(doc);
    match (&ours, &theirs) {
        (Ok(session), Ok(value)) => read(session, value),
        (Ok(_), Err(e)) => {
            assert!(
                serde_error_is_number_range(e) || serde_error_is_depth(e),
                "lcsession accepts, serde_json rejects: {e}\n{}",
                String::from_utf8_lossy(doc)
            );
        }
        (Err(e), Ok(_)) => {
            let depth = matches!(e.kind(), lcsession_core::ErrorKind::DepthLimit { .. });
            assert!(
                !e.is_syntax() || depth,
                "serde_json accepts, lcsession rejects: {e}\n{}",
                String::from_utf8_lossy(doc)
            );
        }
        (Err(_), Err(_)) => {}
    }
}

const HEAD: &str = r#"{"events":[],"session_id":"s","last_updated_at":"t","x":"#;
const TEXT_HEAD: &str = r#"{"events":[{"type":"text","content":""#;
const TEXT_TAIL: &str = r#""}],"session_id":"s","last_updated_at":"t"}"#;

fuzz_target!(|data: &[u8]| {
    let mut doc = HEAD.as_bytes().to_vec();
    doc.extend_from_slice(data);
    doc.push(b'}');
    compare(&doc, |session, value| {
        let (key, ours) = session.unknown_fields().last().expect("x is unknown");
        let theirs = value.get(decode(key)).expect("serde_json has the same key");
        if let Some(ours) = to_value(ours) {
            assert_eq!(&ours, theirs, "decoded values differ");
        }
    });

    let mut doc = TEXT_HEAD.as_bytes().to_vec();
    doc.extend_from_slice(data);
    doc.extend_from_slice(TEXT_TAIL.as_bytes());
    compare(&doc, |session, value| {
        // The data may have closed the string and added members or events: compare every
        // text event's content with serde_json's.
        let theirs = value["events"].as_array().expect("events");
        for (event, v) in session.events().zip(theirs) {
            if let (Some(content), Some(want)) = (event.content(), v["content"].as_str()) {
                assert_eq!(decode(content), want, "decoded strings differ");
            }
        }
    });
});
