//! The hand-written sample session that ships as
//! `examples/data/sample-session.json`.
//!
//! Strings in this module are written as *already escaped* JSON string
//! content (Rust raw strings), so that every kind of escape a real dump can
//! contain (`\/`, `\uXXXX`, surrogate pairs, ...) appears exactly as chosen.

/// A minimal JSON tree; `Str` holds escaped content without quotes.
enum J {
    Lit(&'static str),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(&'static str, J)>),
}

/// A number, `true`, `false` or `null`, written verbatim.
fn lit(raw: &'static str) -> J {
    J::Lit(raw)
}

/// A string from escaped JSON content.
fn s(escaped: &str) -> J {
    J::Str(escaped.to_owned())
}

fn obj(fields: Vec<(&'static str, J)>) -> J {
    J::Obj(fields)
}

fn arr(items: Vec<J>) -> J {
    J::Arr(items)
}

fn strs(items: &[&str]) -> J {
    J::Arr(items.iter().map(|x| s(x)).collect())
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// Pretty-prints with two-space indentation (the same layout as
/// `serde_json::to_string_pretty`).
fn write(out: &mut String, j: &J, level: usize) {
    match j {
        J::Lit(raw) => out.push_str(raw),
        J::Str(content) => {
            out.push('"');
            out.push_str(content);
            out.push('"');
        }
        J::Arr(items) if items.is_empty() => out.push_str("[]"),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, level + 1);
                write(out, item, level + 1);
            }
            out.push('\n');
            indent(out, level);
            out.push(']');
        }
        J::Obj(fields) if fields.is_empty() => out.push_str("{}"),
        J::Obj(fields) => {
            out.push('{');
            for (i, (key, value)) in fields.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, level + 1);
                out.push('"');
                out.push_str(key);
                out.push_str("\": ");
                write(out, value, level + 1);
            }
            out.push('\n');
            indent(out, level);
            out.push('}');
        }
    }
}

fn content(ty: &'static str, escaped: &str) -> J {
    obj(vec![("type", s(ty)), ("content", s(escaped))])
}

/// Streaming deltas followed by the aggregated event whose content is their
/// concatenation (as the service emits them).
fn streamed(events: &mut Vec<J>, delta_ty: &'static str, full_ty: &'static str, parts: &[&str]) {
    for part in parts {
        events.push(content(delta_ty, part));
    }
    events.push(content(full_ty, &parts.concat()));
}

fn tool_call(call_id: &str, name: &str, arguments: J) -> J {
    obj(vec![
        ("type", s("tool_call")),
        ("arguments", arguments),
        ("call_id", s(call_id)),
        ("name", s(name)),
    ])
}

fn tool_result(call_id: &str, name: &str, result: J, image: Option<(&str, &str)>) -> J {
    let mut fields = vec![
        ("type", s("tool_result")),
        ("call_id", s(call_id)),
        ("name", s(name)),
        ("result", result),
    ];
    if let Some((attachment_name, source_id)) = image {
        fields.push((
            "image_attachment",
            obj(vec![
                ("attachment_name", s(attachment_name)),
                ("source_id", s(source_id)),
            ]),
        ));
    }
    obj(fields)
}

fn stop(error: Option<&str>, usage: J, skipped: Option<&[&str]>) -> J {
    let mut fields = vec![
        ("type", s("stop")),
        ("error", error.map_or(lit("null"), s)),
        ("is_error", lit("false")),
        ("usage", usage),
    ];
    if let Some(ids) = skipped {
        fields.push(("skipped_index_ids", strs(ids)));
    }
    obj(fields)
}

fn hit(
    doc_id: &str,
    title: &str,
    page: &'static str,
    score: &'static str,
    snippet: &str,
    metadata: J,
) -> J {
    obj(vec![
        ("doc_id", s(doc_id)),
        ("title", s(title)),
        ("page", lit(page)),
        ("score", lit(score)),
        ("snippet", s(snippet)),
        ("metadata", metadata),
    ])
}

fn turn1(ev: &mut Vec<J>) {
    ev.push(content(
        "user_input",
        r#"What were the main findings in our Q3 2025 report? Please focus on revenue, margins and anything unusual in the \"Risk factors\" section."#,
    ));
    streamed(
        ev,
        "thinking_delta",
        "thinking",
        &[
            r#"The user is asking about the Q3 2025 report."#,
            r#" I should search both indexes for the 10-Q and the earnings call,"#,
            r#" restricted to fiscal Q3 (July\u2013September).\n\n"#,
            r#"Plan:\n1. search for revenue \/ margin figures\n2. look for the \"Risk factors\" section"#,
            r#"\n3. summarise with citations."#,
        ],
    );
    ev.push(tool_call(
        "call_01JBQ3K9Z2XH",
        "search",
        obj(vec![
            (
                "query",
                s(r#"Q3 2025 revenue operating margin \"risk factors\""#),
            ),
            (
                "index_ids",
                strs(&["idx-fin-reports-2025", "idx-earnings-calls"]),
            ),
            ("top_k", lit("8")),
            (
                "filters",
                obj(vec![
                    ("fiscal_year", lit("2025")),
                    ("fiscal_quarter", s("Q3")),
                    ("doc_types", strs(&["10-Q", "earnings_call_transcript"])),
                    (
                        "date_range",
                        obj(vec![("from", s("2025-07-01")), ("to", s("2025-09-30"))]),
                    ),
                    ("min_score", lit("0.35")),
                    ("exclude_drafts", lit("true")),
                    ("author", lit("null")),
                ]),
            ),
            (
                "rerank",
                obj(vec![
                    ("enabled", lit("true")),
                    ("model", s("rerank-v2")),
                    ("recency_bias", lit("-0.25")),
                    ("temperature", lit("1.5e-3")),
                    ("max_candidates", lit("2E+2")),
                ]),
            ),
        ]),
    ));
    ev.push(tool_result(
        "call_01JBQ3K9Z2XH",
        "search",
        obj(vec![
            ("total_hits", lit("37")),
            ("elapsed_ms", lit("182.4")),
            ("next_cursor", lit("null")),
            (
                "hits",
                arr(vec![
                    hit(
                        "doc-7",
                        r#"Form 10-Q \u2014 Q3 2025"#,
                        "14",
                        "0.9132",
                        r#"Total revenue was $4.82 billion, up 12% year over year, driven by Cloud (+21%)."#,
                        obj(vec![
                            ("section", s(r#"Management\u2019s Discussion & Analysis"#)),
                            ("file_path", s(r#"C:\\reports\\2025\\Q3\\10-Q.pdf"#)),
                            ("tags", strs(&["revenue", "yoy"])),
                            ("confidential", lit("false")),
                        ]),
                    ),
                    hit(
                        "doc-7",
                        r#"Form 10-Q \u2014 Q3 2025"#,
                        "31",
                        "0.8875",
                        r#"Risk factors: a new risk related to the \"Project Atlas\" data-centre build-out in São Paulo, and exposure to EUR\/USD volatility."#,
                        obj(vec![
                            ("section", s("Item 1A. Risk Factors")),
                            ("file_path", s(r#"C:\\reports\\2025\\Q3\\10-Q.pdf"#)),
                            ("tags", strs(&["risk", "fx", "capex"])),
                            ("confidential", lit("false")),
                        ]),
                    ),
                    hit(
                        "doc-12",
                        "Q3 2025 earnings call transcript",
                        "3",
                        "0.741",
                        r#"CFO: \"Operating margin came in at 18.4%, roughly 230 basis points above last year.\"\n"#,
                        obj(vec![
                            ("section", s("Prepared remarks")),
                            ("speaker", s("Chief Financial Officer")),
                            ("timestamp_s", lit("754.25")),
                            ("tags", arr(vec![])),
                            ("confidential", lit("false")),
                        ]),
                    ),
                ]),
            ),
        ]),
        None,
    ));
    streamed(
        ev,
        "text_delta",
        "text",
        &[
            r#"Here are the main findings from the **Q3 2025** report:\n\n"#,
            r#"1. **Revenue** was $4.82B, up 12% year over year \u2014 Cloud grew 21% \ud83d\udcc8.\n"#,
            r#"2. **Operating margin** reached 18.4% (vs. 16.1% in Q3 2024), about +230 bps.\n"#,
            r#"3. **Risk factors:** a new risk around the \"Project Atlas\" data-centre build-out in São Paulo, plus EUR\/USD exposure.\n\n"#,
            r#"Sources: Form 10-Q p.14 and p.31 (`C:\\reports\\2025\\Q3\\10-Q.pdf`), earnings call transcript p.3."#,
        ],
    );
    ev.push(stop(
        None,
        obj(vec![
            ("duration_ms", lit("15342.8")),
            ("total_input_tokens", lit("6120")),
            ("total_output_tokens", lit("412")),
            ("turns", lit("1")),
        ]),
        None,
    ));
}

fn turn2(ev: &mut Vec<J>) {
    ev.push(content(
        "user_input",
        r#"How does that compare with Q2? Can you pull the segment table on page 22 of the 10-Q?"#,
    ));
    streamed(
        ev,
        "thinking_delta",
        "thinking",
        &[
            r#"The segment table is on page 22 of doc-7."#,
            r#" I'll fetch that page with an image so the numbers can be checked"#,
            r#" against the rendered table.\n\nNote: values are in $B;"#,
            r#" negative changes mean a decline."#,
        ],
    );
    ev.push(tool_call(
        "call_01JBQ3M4T7RD",
        "read_pages",
        obj(vec![
            ("doc_id", s("doc-7")),
            ("pages", arr(vec![lit("22"), lit("23")])),
            ("include_tables", lit("true")),
            (
                "render",
                obj(vec![
                    ("format", s("png")),
                    ("dpi", lit("150")),
                    ("scale", lit("1.0e0")),
                    ("grayscale", lit("false")),
                ]),
            ),
        ]),
    ));
    let row = |name: &'static str, q2: &'static str, q3: &'static str, delta: &'static str| {
        arr(vec![s(name), lit(q2), lit(q3), lit(delta)])
    };
    ev.push(tool_result(
        "call_01JBQ3M4T7RD",
        "read_pages",
        obj(vec![
            ("doc_id", s("doc-7")),
            (
                "pages",
                arr(vec![
                    obj(vec![
                        ("page", lit("22")),
                        (
                            "text",
                            s(r#"Note 11 \u2014 Segment information\n\nSegment\tQ2 2025\tQ3 2025\nCloud\t1.92\t2.31\nDevices\t1.41\t1.28\nServices\t1.06\t1.23\n"#),
                        ),
                        (
                            "tables",
                            arr(vec![obj(vec![
                                ("title", s("Revenue by segment ($B)")),
                                ("columns", strs(&["Segment", "Q2 2025", "Q3 2025", "Change"])),
                                (
                                    "rows",
                                    arr(vec![
                                        row("Cloud", "1.92", "2.31", "0.39"),
                                        row("Devices", "1.41", "1.28", "-0.13"),
                                        row("Services", "1.06", "1.23", "0.17"),
                                        row("Total", "4.39", "4.82", "0.43"),
                                    ]),
                                ),
                            ])]),
                        ),
                    ]),
                    obj(vec![("page", lit("23")), ("text", s("")), ("tables", arr(vec![]))]),
                ]),
            ),
            ("truncated", lit("false")),
        ]),
        Some(("doc-7-p22.png", "doc-7")),
    ));
    // An event type this decoder version does not know about.
    ev.push(obj(vec![
        ("type", s("citation")),
        ("source", s("doc-7")),
        ("span", arr(vec![lit("10"), lit("42")])),
        ("page", lit("22")),
    ]));
    streamed(
        ev,
        "text_delta",
        "text",
        &[
            r#"Compared with Q2, total revenue rose from $4.39B to $4.82B (+9.8% QoQ).\n\n"#,
            r#"| Segment | Q2 2025 | Q3 2025 | Change |\n|---|---:|---:|---:|\n"#,
            r#"| Cloud | 1.92 | 2.31 | +0.39 |\n| Devices | 1.41 | 1.28 | \u22120.13 |\n| Services | 1.06 | 1.23 | +0.17 |\n\n"#,
            r#"Devices is the only segment that shrank; the 10-Q attributes it to \"softer consumer demand in EMEA\". "#,
            r#"The earnings-call index timed out, so management's commentary isn't included this time."#,
        ],
    );
    ev.push(stop(
        Some(r#"index \"idx-earnings-calls\" timed out after 30s; results may be incomplete"#),
        obj(vec![
            ("duration_ms", lit("12950.4")),
            ("total_input_tokens", lit("7480")),
            ("total_output_tokens", lit("365")),
            ("turns", lit("1")),
        ]),
        Some(&["idx-earnings-calls"]),
    ));
}

fn turn3(ev: &mut Vec<J>) {
    ev.push(content(
        "user_input",
        r#"Perfect, thanks! 😀 Could you write a two-sentence summary in Chinese (中文) for the Shanghai team, and mention Société Générale's note?"#,
    ));
    streamed(
        ev,
        "thinking_delta",
        "thinking",
        &[
            r#"Need a short Chinese summary (two sentences)."#,
            r#" I should also find the analyst note from Soci\u00e9t\u00e9 G\u00e9n\u00e9rale"#,
            r#" mentioned by the user.\n\nTranslate \"operating margin\" as 营业利润率."#,
        ],
    );
    // Untyped event: unambiguously a tool call (arguments + call_id + name).
    ev.push(obj(vec![
        (
            "arguments",
            obj(vec![
                ("query", s(r#"Société Générale analyst note Q3 2025"#)),
                ("index_ids", strs(&["idx-fin-reports-2025"])),
                ("top_k", lit("3")),
                (
                    "filters",
                    obj(vec![
                        ("doc_types", strs(&["analyst_note"])),
                        ("min_score", lit("0.5")),
                    ]),
                ),
            ]),
        ),
        ("call_id", s("call_01JBQ3R8W5NC")),
        ("name", s("search")),
    ]));
    ev.push(tool_result(
        "call_01JBQ3R8W5NC",
        "search",
        obj(vec![
            ("total_hits", lit("1")),
            ("elapsed_ms", lit("95.0")),
            ("next_cursor", lit("null")),
            (
                "hits",
                arr(vec![hit(
                    "doc-31",
                    r#"Soci\u00e9t\u00e9 G\u00e9n\u00e9rale \u2014 Q3 2025 note"#,
                    "1",
                    "0.8123",
                    r#"We reiterate our \"Buy\" rating; target price raised to \u20ac142 (from \u20ac128)."#,
                    obj(vec![
                        ("section", s("Summary")),
                        ("language", s("fr")),
                        ("tags", strs(&["rating", "target_price"])),
                        ("confidential", lit("true")),
                    ]),
                )]),
            ),
        ]),
        None,
    ));
    streamed(
        ev,
        "text_delta",
        "text",
        &[
            r#"以下是给上海团队的摘要：\n\n"#,
            r#"2025年第三季度总收入为48.2亿美元，同比增长12%，营业利润率提升至18.4%。"#,
            r#"\u6cd5\u56fd\u5174\u4e1a\u94f6\u884c（Société Générale）维持\"买入\"评级，目标价上调至€142。"#,
            r#"\n\nHope this helps \ud83d\ude00 \u2014 let me know if you want the English version too."#,
        ],
    );
    ev.push(stop(
        None,
        obj(vec![
            ("total_input_tokens", lit("9035")),
            ("total_output_tokens", lit("301")),
            ("turns", lit("1")),
        ]),
        None,
    ));
}

/// Builds the sample document (see [`crate::sample`]).
pub(crate) fn build() -> String {
    let mut events = Vec::new();
    turn1(&mut events);
    turn2(&mut events);
    turn3(&mut events);
    let doc = obj(vec![
        ("events", J::Arr(events)),
        ("last_updated_at", s("2026-04-22T12:34:41.342245")),
        ("session_id", s("ses-7f3a9c2e41b8")),
        (
            "generated_title",
            s(r#"What were the main findings in Q3? Revenue, margins \u2014 risk factors"#),
        ),
        (
            "index_ids",
            strs(&["idx-fin-reports-2025", "idx-earnings-calls"]),
        ),
        ("shared_access", s("read_only")),
        (
            "x_trace",
            obj(vec![("region", s("eu-west-1")), ("attempt", lit("1"))]),
        ),
        (
            "job_metadata",
            obj(vec![
                ("duration_ms", lit("41872.6")),
                ("error", lit("null")),
                ("export_config_ids", strs(&["exp-1", "exp-quarterly-pdf"])),
                ("is_error", lit("false")),
                ("total_input_tokens", lit("22635")),
                ("total_output_tokens", lit("1078")),
                ("turns", lit("3")),
            ]),
        ),
    ]);
    let mut out = String::with_capacity(16 * 1024);
    write(&mut out, &doc, 0);
    out.push('\n');
    out
}
