//! Issue 5 acceptance: the HTTP API on an ephemeral loopback port — every
//! endpoint, every bad-request case, and `/api/search?q=烟花爆竹` equal to
//! `qsearch --json 烟花爆竹` hit for hit (the built CLI binary is run).

mod harness;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use harness::{Reply, TestServer, enc, get, path_args, qsearch_bin, raw, send};
use qsearch_server::Limits;
use serde_json::Value;

fn server() -> &'static TestServer {
    harness::server("server")
}

fn ok_json(target: &str) -> Value {
    server().ok_json(target)
}

fn search(query: &str, extra: &str) -> Value {
    ok_json(&format!("/api/search?q={}{extra}", enc(query)))
}

/// Every float of a JSON value rounded to 4 decimals (f32 values print with
/// different digits once they have been through an f64).
fn rounded(value: Option<&Value>) -> Option<Value> {
    fn round(v: &Value) -> Value {
        match v {
            Value::Number(n) if n.is_f64() => {
                serde_json::json!((n.as_f64().unwrap() * 1e4).round() / 1e4)
            }
            Value::Array(items) => Value::Array(items.iter().map(round).collect()),
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), round(v))).collect())
            }
            other => other.clone(),
        }
    }
    value.map(round)
}

/// Scores are floats computed in two processes; everything else must be identical.
fn assert_same_response(api: &Value, cli: &Value) {
    for key in ["query", "mode", "answer", "warnings"] {
        assert_eq!(
            rounded(api.get(key)),
            rounded(cli.get(key)),
            "field {key} differs"
        );
    }
    let (a, c) = (
        api["hits"].as_array().unwrap(),
        cli["hits"].as_array().unwrap(),
    );
    assert_eq!(a.len(), c.len(), "number of hits");
    for (x, y) in a.iter().zip(c) {
        let (xo, yo) = (x.as_object().unwrap(), y.as_object().unwrap());
        assert_eq!(
            xo.keys().collect::<Vec<_>>(),
            yo.keys().collect::<Vec<_>>(),
            "hit fields of {}",
            x["id"]
        );
        for (key, value) in xo {
            if key == "score" {
                let (s, t) = (value.as_f64().unwrap(), yo[key].as_f64().unwrap());
                assert!(
                    (s - t).abs() <= 1e-4 * s.abs().max(1.0),
                    "score of {}: {s} vs {t}",
                    x["id"]
                );
            } else {
                assert_eq!(value, &yo[key], "field {key} of hit {}", x["rank"]);
            }
        }
    }
    assert_eq!(
        api.as_object().unwrap().len(),
        cli.as_object().unwrap().len(),
        "top-level fields"
    );
}

#[test]
fn search_equals_cli_json_hit_for_hit() {
    let server = server();
    let api = search("烟花爆竹", "");
    let output = Command::new(qsearch_bin())
        .args(path_args(&server.paths))
        .args(["--json", "烟花爆竹"])
        .output()
        .expect("run qsearch");
    assert!(
        output.status.success(),
        "qsearch --json failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cli: Value = serde_json::from_slice(&output.stdout).expect("qsearch --json prints JSON");
    assert!(
        api["hits"].as_array().is_some_and(|h| h.len() == 10),
        "10 hits by default: {api}"
    );
    assert_same_response(&api, &cli);

    // The same through the library, request built as the CLI builds it.
    let request = qsearch::SearchRequest::new("烟花爆竹");
    let library = serde_json::to_value(server.state.engine().search(&request).unwrap()).unwrap();
    assert_same_response(&api, &library);
}

#[test]
fn search_takes_every_parameter() {
    let r = search(
        "烟花爆竹",
        "&mode=bm25&bureau=001&section=boundary&limit=3&explain=true",
    );
    assert_eq!(r["mode"], "bm25");
    let hits = r["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 3, "{r}");
    for hit in hits {
        assert_eq!(hit["section"], "boundary");
        assert!(hit["source"]["file"].as_str().unwrap().starts_with("001"));
        assert!(hit["explain"].is_object(), "explain=true explains: {hit}");
        assert!(
            !hit["snippet"]["highlights"].as_array().unwrap().is_empty(),
            "highlighted snippet: {hit}"
        );
    }
    let r = search(
        "烟花爆竹",
        "&mode=bm25&department=%E5%85%AC%E5%AE%89%E5%B1%80&province=%E6%B9%96%E5%8D%97",
    );
    for hit in r["hits"].as_array().unwrap() {
        assert_eq!(hit["department_canonical"], "公安局", "{hit}");
        assert_eq!(hit["place"], "常德市", "{hit}");
    }
    // Chinese section names, blank filters and + for spaces are accepted.
    let r = search(
        "烟花爆竹 质量",
        "&section=%E8%81%8C%E8%B4%A3%E8%BE%B9%E7%95%8C&bureau=&mode=hybrid",
    );
    assert!(
        r["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["section"] == "boundary")
    );
    let plus =
        ok_json("/api/search?q=%E7%83%9F%E8%8A%B1%E7%88%86%E7%AB%B9+%E8%B4%A8%E9%87%8F&mode=bm25");
    assert_eq!(plus["query"], "烟花爆竹 质量");
    // Unencoded UTF-8 in the request line (as curl sends it) works too.
    let raw = server().get("/api/search?q=烟花爆竹&mode=bm25&limit=1");
    assert_eq!(raw.status, 200, "{}", String::from_utf8_lossy(&raw.body));
    assert_eq!(raw.json()["query"], "烟花爆竹");
}

#[test]
fn who_names_the_department() {
    let r = ok_json(&format!("/api/who?q={}", enc("谁负责烟花爆竹的质量")));
    let answer = &r["answer"];
    assert!(answer.is_object(), "a who-answer: {r}");
    let first = &answer["departments"][0];
    assert_eq!(first["name"], "质监局", "{answer}");
    assert_eq!(first["current_name"], "市场监督管理局", "{answer}");
    assert!(first["bureaus"].as_array().unwrap().len() >= 3, "{answer}");
    let ranks: Vec<u64> = first["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_u64().unwrap())
        .collect();
    // Evidence ranks are ranks of the candidate pool, which the page's hits
    // begin: a boundary row among them on the page assigns this department.
    let hits = r["hits"].as_array().unwrap();
    for &rank in &ranks {
        let Some(hit) = hits.iter().find(|h| h["rank"] == rank) else {
            continue;
        };
        assert!(
            hit["section"] != "boundary" || hit["department_canonical"] == "质监局",
            "evidence #{rank} is a 质监局 row or the bureau's own duty: {hit}"
        );
    }
    assert!(
        ranks
            .iter()
            .any(|&rank| hits.iter().any(|h| h["rank"] == rank)),
        "some evidence is on the page"
    );
    // A bare matter still gets an answer from /api/who.
    let r = ok_json(&format!("/api/who?q={}", enc("烟花爆竹运输")));
    assert!(r["answer"].is_object(), "{r}");
}

#[test]
fn matters_and_compare() {
    let m = ok_json("/api/matters");
    let matters = m["matters"].as_array().unwrap();
    assert!(!matters.is_empty(), "{m}");
    assert!(
        matters
            .iter()
            .any(|g| g["matter"].as_str().unwrap().contains("烟花爆竹")),
        "{m}"
    );
    let c = ok_json(&format!("/api/compare?matter={}", enc("烟花爆竹")));
    let columns = c["bureaus"].as_array().unwrap().len();
    assert!(columns >= 4, "four bureaus have the matter: {c}");
    let rows = c["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        assert_eq!(
            row["cells"].as_array().unwrap().len(),
            columns,
            "one cell per bureau: {row}"
        );
    }
    let cell = rows
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap())
        .find(|c| c.is_object())
        .unwrap();
    let record = ok_json(&format!(
        "/api/records/{}",
        enc(cell["record_id"].as_str().unwrap())
    ));
    assert_eq!(record["record"]["id"], cell["record_id"]);
}

#[test]
fn bureaus_with_counts_by_section() {
    let b = ok_json("/api/bureaus");
    let bureaus = b["bureaus"].as_array().unwrap();
    assert_eq!(bureaus.len(), 5, "five seed documents: {b}");
    for bureau in bureaus {
        let by_section: u64 = bureau["by_section"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(by_section, bureau["records"].as_u64().unwrap(), "{bureau}");
    }
    let sections = b["sections"].as_array().unwrap();
    let ids: Vec<&str> = sections.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "duties",
            "boundary",
            "public_service",
            "supervision",
            "accountability"
        ]
    );
    let total: u64 = sections
        .iter()
        .map(|s| s["records"].as_u64().unwrap())
        .sum();
    let health = ok_json("/healthz");
    assert_eq!(total, health["index"]["records"].as_u64().unwrap());
}

#[test]
fn record_by_id_with_its_source_lines() {
    let hit = search("烟花爆竹", "&mode=bm25&limit=1")["hits"][0].clone();
    let id = hit["id"].as_str().unwrap();
    let r = ok_json(&format!("/api/records/{}", enc(id)));
    assert_eq!(r["record"]["id"], id);
    assert_eq!(r["record"]["source"], hit["source"]);
    assert_eq!(r["text"], hit["text"]);
    let (file, start, end) = (
        hit["source"]["file"].as_str().unwrap(),
        hit["source"]["line_start"].as_u64().unwrap() as usize,
        hit["source"]["line_end"].as_u64().unwrap() as usize,
    );
    assert_eq!(r["citation"], format!("{file}:{start}-{end}"));
    let lines = r["lines"].as_array().unwrap();
    assert_eq!(lines.len(), end - start + 1);
    assert_eq!(lines[0]["line"], start);
    let text: Vec<&str> = lines.iter().map(|l| l["text"].as_str().unwrap()).collect();
    assert_eq!(
        text.join("\n"),
        qsearch_tests::seed_lines(file, start, end).trim_end_matches('\r')
    );
    // The plain id works unencoded too.
    assert_eq!(server().get(&format!("/api/records/{id}")).status, 200);
}

#[test]
fn healthz_reports_index_and_model() {
    let h = ok_json("/healthz");
    assert_eq!(h["status"], "ok");
    assert!(h["index"]["records"].as_u64().unwrap() > 500, "{h}");
    assert!(
        h["index"]["index_generation"]
            .as_str()
            .unwrap()
            .starts_with("gen-"),
        "{h}"
    );
    assert!(
        h["index"].get("semantic").is_some() && h["index"]["notices"].is_array(),
        "{h}"
    );
    assert_eq!(h["build"]["index_format"], qsearch::index::FORMAT_VERSION);
    assert_eq!(h["build"]["default_model"], qsearch::embed::DEFAULT_MODEL);
    assert!(
        !h["build"]["git_revision"].as_str().unwrap().is_empty(),
        "{h}"
    );
}

#[test]
fn page_and_assets_are_embedded() {
    let page = server().get("/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = page.text();
    assert!(
        html.contains("责任清单检索") && html.contains("id=\"q\""),
        "{html}"
    );
    assert!(
        page.header("content-security-policy")
            .is_some_and(|c| c.contains("default-src 'self'"))
    );
    for (path, kind) in [
        ("/assets/app.js", "text/javascript"),
        ("/assets/style.css", "text/css"),
    ] {
        let asset = server().get(path);
        assert_eq!(asset.status, 200, "{path}");
        assert!(
            asset.header("content-type").unwrap().starts_with(kind),
            "{path}"
        );
        assert!(asset.body.len() > 1000, "{path}");
    }
    // Nothing from a CDN or any other host.
    for path in ["/", "/assets/app.js", "/assets/style.css"] {
        let text = server().get(path).text();
        for pattern in ["src=\"http", "href=\"http", "url(http", "@import", "//cdn"] {
            assert!(
                !text.contains(pattern),
                "{path} loads from elsewhere ({pattern})"
            );
        }
    }
    let missing = server().get("/assets/nope.js");
    assert_eq!(missing.status, 404);
    assert!(missing.json()["error"].is_string());
}

/// Every JSON object a response holds has only properties its schema names.
fn conforms(value: &Value, schema: &Value, doc: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(schema, doc);
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(alternatives) = schema.get(key).and_then(Value::as_array) {
            let results: Vec<Result<(), String>> = alternatives
                .iter()
                .map(|s| conforms(value, s, doc, at))
                .collect();
            return if key == "allOf" {
                results.into_iter().collect()
            } else if results.iter().any(Result::is_ok) {
                Ok(())
            } else {
                Err(format!("{at}: matches no alternative: {results:?}"))
            };
        }
    }
    match value {
        Value::Null => {
            let nullable = schema.get("type").is_some_and(|t| {
                t == "null" || t.as_array().is_some_and(|a| a.contains(&"null".into()))
            });
            if nullable || schema.as_object().is_some_and(|o| o.is_empty()) {
                Ok(())
            } else {
                Err(format!("{at}: null not allowed by {schema}"))
            }
        }
        Value::Object(map) => {
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (key, v) in map {
                    let Some(s) = props.get(key) else {
                        return Err(format!("{at}: property {key} is not in the schema"));
                    };
                    conforms(v, s, doc, &format!("{at}.{key}"))?;
                }
                for required in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let name = required.as_str().unwrap();
                    let optional = props.get(name).is_some_and(|p| nullable(resolve(p, doc)));
                    if !map.contains_key(name) && !optional {
                        return Err(format!("{at}: required property {name} missing"));
                    }
                }
            } else if let Some(extra) = schema.get("additionalProperties").filter(|a| a.is_object())
            {
                for (key, v) in map {
                    conforms(v, extra, doc, &format!("{at}.{key}"))?;
                }
            }
            Ok(())
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    conforms(v, item, doc, &format!("{at}[{i}]"))?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn nullable(schema: &Value) -> bool {
    schema
        .get("type")
        .is_some_and(|t| t.as_array().is_some_and(|a| a.contains(&"null".into())))
        || schema
            .get("oneOf")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|s| s.get("type").is_some_and(|t| t == "null")))
}

fn resolve<'a>(schema: &'a Value, doc: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap();
            let target = &doc["components"]["schemas"][name];
            assert!(!target.is_null(), "dangling $ref {r}");
            resolve(target, doc)
        }
        None => schema,
    }
}

#[test]
fn openapi_document_describes_every_endpoint_and_response() {
    let doc = ok_json("/api/openapi.json");
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/search",
        "/api/who",
        "/api/compare",
        "/api/matters",
        "/api/bureaus",
        "/api/records/{id}",
        "/healthz",
        "/api/openapi.json",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    let search_params: BTreeSet<&str> = paths["/api/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<&str> = [
        "q",
        "mode",
        "bureau",
        "province",
        "section",
        "department",
        "limit",
        "explain",
    ]
    .into();
    assert_eq!(search_params, expected);

    let hit_id = search("烟花爆竹", "&mode=bm25&limit=1")["hits"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let live = [
        (
            "/api/search",
            format!("/api/search?q={}&explain=true", enc("谁负责烟花爆竹的质量")),
        ),
        ("/api/who", format!("/api/who?q={}", enc("世界计量日"))),
        (
            "/api/compare",
            format!("/api/compare?matter={}", enc("危险化学品")),
        ),
        ("/api/matters", "/api/matters".to_string()),
        ("/api/bureaus", "/api/bureaus".to_string()),
        (
            "/api/records/{id}",
            format!("/api/records/{}", enc(&hit_id)),
        ),
        ("/healthz", "/healthz".to_string()),
    ];
    for (path, target) in live {
        let body = ok_json(&target);
        let schema =
            &paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert!(!schema.is_null(), "{path}: 200 response schema");
        conforms(&body, schema, &doc, path)
            .unwrap_or_else(|e| panic!("{path} differs from its OpenAPI schema: {e}"));
    }
    let error = server().get("/api/search");
    let schema =
        &paths["/api/search"]["get"]["responses"]["400"]["content"]["application/json"]["schema"];
    conforms(&error.json(), schema, &doc, "error").unwrap();
}

/// A bilingual JSON error: `{"error": "中文 / English"}` and nothing else.
fn assert_json_error(reply: &Reply, status: u16, what: &str) {
    assert_eq!(
        reply.status,
        status,
        "{what}: {}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json")),
        "{what}: content-type {:?}",
        reply.header("content-type")
    );
    let body = reply.json();
    let obj = body.as_object().unwrap();
    // `error`, `code` and the request's id (hyper's own parse errors,
    // answered before any request exists, have none).
    assert!(
        obj.keys()
            .all(|k| k == "error" || k == "code" || k == "request_id")
            && obj.contains_key("code"),
        "{what}: only `error`, `code` and `request_id`: {body}"
    );
    let code = obj["code"].as_str().unwrap_or_default();
    let expected = match status {
        400 => ["invalid_request", "invalid_query"].as_slice(),
        404 => &["not_found"],
        405 => &["method_not_allowed"],
        413 => &["too_large"],
        414 => &["too_long"],
        431 => &["headers_too_large"],
        503 => &["unavailable", "timeout", "overloaded", "model_unavailable"],
        _ => &[],
    };
    assert!(
        expected.is_empty() || expected.contains(&code),
        "{what}: code {code:?} for {status}: {body}"
    );
    let message = obj["error"].as_str().unwrap();
    let (zh, en) = message
        .split_once(" / ")
        .unwrap_or_else(|| panic!("{what}: '中文 / English': {message}"));
    assert!(
        zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{what}: Chinese part: {message}"
    );
    assert!(
        en.chars().filter(char::is_ascii_alphabetic).count() >= 5,
        "{what}: English part: {message}"
    );
}

#[test]
fn bad_requests_get_bilingual_json_errors() {
    let long_q = enc(&"烟".repeat(257));
    let huge = format!("/api/search?q=a&pad={}", "x".repeat(9000));
    let cases: Vec<(String, u16, &str)> = vec![
        ("/api/search".into(), 400, "missing q"),
        ("/api/search?q=".into(), 400, "empty q"),
        ("/api/search?q=%20+%20".into(), 400, "blank q"),
        (
            "/api/search?mode=bm25".into(),
            400,
            "q absent, other parameters present",
        ),
        ("/api/search?q=a&mode=fuzzy".into(), 400, "unknown mode"),
        ("/api/search?q=a&limit=0".into(), 400, "limit 0"),
        ("/api/search?q=a&limit=101".into(), 400, "limit 101"),
        ("/api/search?q=a&limit=-1".into(), 400, "negative limit"),
        (
            "/api/search?q=a&limit=ten".into(),
            400,
            "limit not a number",
        ),
        (
            "/api/search?q=a&limit=99999999999999999999999".into(),
            400,
            "limit overflow",
        ),
        (
            "/api/search?q=a&section=minutes".into(),
            400,
            "unknown section",
        ),
        (
            "/api/search?q=a&explain=maybe".into(),
            400,
            "explain not a boolean",
        ),
        ("/api/search?q=a&q=b".into(), 400, "q twice"),
        (
            "/api/search?q=%FF%FE".into(),
            400,
            "percent-encoded bytes that are not UTF-8",
        ),
        (
            "/api/search?q=%E7%83".into(),
            400,
            "truncated UTF-8 sequence",
        ),
        (
            "/api/search?q=%ZZ".into(),
            400,
            "malformed percent-encoding",
        ),
        ("/api/search?q=abc%".into(), 400, "dangling %"),
        ("/api/search?q=a%2".into(), 400, "short %-escape"),
        (
            "/api/search?q=a&bureau=%C0%AF".into(),
            400,
            "overlong UTF-8 in a filter",
        ),
        (
            format!("/api/search?q={long_q}"),
            414,
            "q over 256 characters",
        ),
        (
            format!("/api/search?q=a&bureau={long_q}"),
            414,
            "filter over 256 characters",
        ),
        (huge, 414, "query string over 8 KiB"),
        ("/api/who".into(), 400, "who without q"),
        ("/api/who?q=%FF".into(), 400, "who with bad UTF-8"),
        ("/api/who?q=a&mode=x".into(), 400, "who with unknown mode"),
        ("/api/compare".into(), 400, "compare without matter"),
        (
            "/api/compare?matter=%20".into(),
            400,
            "compare with blank matter",
        ),
        (
            "/api/compare?matter=%E7".into(),
            400,
            "compare with bad UTF-8",
        ),
        (
            format!("/api/compare?matter={long_q}"),
            414,
            "matter over 256 characters",
        ),
        (
            "/api/records/no-such-record".into(),
            404,
            "unknown record id",
        ),
        ("/api/records/%FF%FE".into(), 400, "record id not UTF-8"),
        ("/api/nothing-here".into(), 404, "unknown endpoint"),
        ("/no/such/page".into(), 404, "unknown page"),
    ];
    for (target, status, what) in &cases {
        assert_json_error(&server().get(target), *status, what);
    }
    assert_json_error(
        &send(server().addr, "POST", b"/api/search?q=a"),
        405,
        "POST",
    );
    assert_json_error(
        &send(server().addr, "DELETE", b"/api/records/x"),
        405,
        "DELETE",
    );
    // Raw bytes that are not UTF-8 in the request line never reach a handler
    // as text; whoever rejects them, it is a 4xx.
    let raw = send(server().addr, "GET", b"/api/search?q=\xff\xfe");
    assert!(
        (400..500).contains(&raw.status),
        "raw non-UTF-8 bytes: {}",
        raw.status
    );
    // The server still works after all that.
    assert_eq!(
        search("烟花爆竹", "&mode=bm25&limit=1")["hits"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

/// A full queue refuses at once: the pool's only place is held by the test,
/// so the request cannot even wait; it gets 503 `overloaded` with
/// `Retry-After`, and is served again once the place is free.
#[test]
fn a_full_queue_answers_503_overloaded_with_retry_after() {
    let state = server().state_with(Limits {
        keyword_searches: 1,
        keyword_queue: 0,
        ..Limits::default()
    });
    let addr = server().serve_state(state.clone());
    let target = format!("/api/search?q={}&mode=bm25", enc("烟花爆竹"));
    let held = state
        .pool(qsearch::Mode::Bm25)
        .admit()
        .expect("a free place");
    let reply = get(addr, &target);
    assert_json_error(&reply, 503, "overloaded request");
    assert_eq!(reply.json()["code"], "overloaded");
    assert_eq!(reply.header("retry-after"), Some("1"));
    assert_eq!(state.pool(qsearch::Mode::Bm25).shed(), 1);
    // Keyword and embedding pools are separate: hybrid is still served.
    let hybrid = get(
        addr,
        &format!("/api/search?q={}&mode=hybrid", enc("烟花爆竹")),
    );
    assert_eq!(hybrid.status, 200);
    drop(held);
    assert_eq!(get(addr, &target).status, 200);
}

/// A deadline that has passed stops the search before its first stage.
#[test]
fn a_search_past_its_deadline_stops_with_a_deadline_error() {
    let engine = server().state.engine();
    let request = qsearch::SearchRequest::new("谁负责烟花爆竹的质量")
        .mode(qsearch::Mode::Hybrid)
        .deadline(Instant::now());
    let error = engine.search(&request).expect_err("past its deadline");
    assert!(matches!(error, qsearch::Error::Deadline(_)), "{error}");
    assert_eq!(error.code(), "timeout");
}

#[test]
fn slow_requests_time_out_with_a_json_503() {
    let limits = Limits {
        timeout: Duration::from_millis(1),
        ..Limits::default()
    };
    let addr = server().with_limits(limits);
    // Hybrid search embeds the query: far longer than a millisecond.
    let reply = get(
        addr,
        &format!(
            "/api/search?q={}&mode=hybrid&limit=100",
            enc("谁负责烟花爆竹的质量")
        ),
    );
    assert_json_error(&reply, 503, "timed-out request");
    assert!(reply.json()["error"].as_str().unwrap().contains("超时"));
    assert_eq!(reply.json()["code"], "timeout");
}

#[test]
fn concurrent_mixed_requests_all_succeed() {
    let server = server();
    let queries = [
        "烟花爆竹",
        "谁负责烟花爆竹的质量",
        "电梯",
        "危险化学品安全生产谁管",
        "计量",
        "食品",
        "特种设备",
        "投诉",
    ];
    let modes = ["bm25", "hybrid", "semantic"];
    let started = Instant::now();
    let handles: Vec<_> = (0..32)
        .map(|i| {
            let addr = server.addr;
            std::thread::spawn(move || {
                for j in 0..4 {
                    let q = queries[(i + j) % queries.len()];
                    let mode = modes[(i * 7 + j) % modes.len()];
                    let reply = get(addr, &format!("/api/search?q={}&mode={mode}", enc(q)));
                    assert_eq!(
                        reply.status,
                        200,
                        "{q} {mode}: {}",
                        String::from_utf8_lossy(&reply.body)
                    );
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("request thread");
    }
    assert!(started.elapsed() < Duration::from_secs(120));
}

/// The number of model calls that embedded more than two queries, from the
/// server's `/metrics`.
fn model_calls_over_two_queries(addr: std::net::SocketAddr) -> f64 {
    let text = get(addr, "/metrics").text();
    let sample = |name: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} on /metrics"))
    };
    sample("qsearch_embedding_query_batch_size_count")
        - sample(r#"qsearch_embedding_query_batch_size_bucket{le="2"}"#)
}

/// Concurrent hybrid searches are admitted together, so the embedding
/// worker carries their queries in one model call. With as many permits as
/// cores (the default before) at most two queries ever waited for the model,
/// and no call could carry more than two.
#[test]
fn concurrent_hybrid_searches_share_model_calls() {
    let server = server();
    let before = model_calls_over_two_queries(server.addr);
    let start = std::sync::Arc::new(std::sync::Barrier::new(16));
    let handles: Vec<_> = (0..16)
        .map(|i| {
            let (addr, start) = (server.addr, std::sync::Arc::clone(&start));
            std::thread::spawn(move || {
                // Distinct texts, so no cache answers them.
                let q = format!("并发批量嵌入{i}号特种设备检验");
                start.wait();
                let reply = get(addr, &format!("/api/search?q={}&mode=hybrid", enc(&q)));
                assert_eq!(reply.status, 200, "{q}");
            })
        })
        .collect();
    for h in handles {
        h.join().expect("request thread");
    }
    let after = model_calls_over_two_queries(server.addr);
    assert!(
        after > before,
        "16 concurrent hybrid searches never shared a model call among more than two"
    );
}

#[test]
fn serve_command_prints_its_address_and_stops_on_sigterm() {
    let bin = qsearch_bin();
    let help = Command::new(&bin)
        .args(["serve", "--help"])
        .output()
        .expect("qsearch serve --help");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--bind") && help.contains("127.0.0.1:8080"),
        "{help}"
    );

    let paths = &server().paths;
    let mut child = Command::new(&bin)
        .args(["serve", "--bind", "127.0.0.1:0", "--keyword-only"])
        .args(path_args(paths))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start qsearch serve");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = match rx.recv_timeout(Duration::from_secs(300)) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            panic!("qsearch serve printed no address");
        }
    };
    let addr = line
        .trim()
        .strip_prefix("qsearch: listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .parse()
        .expect("a socket address");
    let health = get(addr, "/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(
        health.json()["index"]["semantic"],
        Value::Null,
        "--keyword-only loads no model"
    );
    let r = get(addr, "/api/search?q=%E7%83%9F%E8%8A%B1%E7%88%86%E7%AB%B9");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json()["mode"],
        "bm25",
        "hybrid falls back to bm25 without a model"
    );

    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(term.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("qsearch serve did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "graceful shutdown exits 0: {status:?}");
}

/// Finding 14: the body limit's 413 was `text/plain` "length limit
/// exceeded", and hyper's own answers to requests it cannot parse (400, 414,
/// 431) had empty bodies. Every error is the JSON error body now.
#[test]
fn every_error_response_is_a_json_error_body() {
    let addr = server().addr;
    let body = "a".repeat(qsearch_server::MAX_BODY_BYTES + 1);
    let too_big = format!(
        "GET /api/search?q=a HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let reply = harness::raw(addr, too_big.as_bytes());
    assert_json_error(&reply, 413, "body over the limit");
    assert!(reply.header("x-content-type-options").is_some());

    let long_uri = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(70_000));
    let many_headers: String = (0..200).map(|i| format!("X-{i}: y\r\n")).collect();
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (
            b"GET /a b c HTTP/1.1\r\n\r\n".to_vec(),
            400,
            "bad request line",
        ),
        (
            b"GET / HTTP/1.1\r\nHo st: x\r\n\r\n".to_vec(),
            400,
            "bad header name",
        ),
        (b"GET / HTTP/7.3\r\n\r\n".to_vec(), 400, "unknown version"),
        (long_uri.into_bytes(), 414, "URI over hyper's limit"),
        (
            format!("GET / HTTP/1.1\r\nHost: x\r\n{many_headers}\r\n").into_bytes(),
            431,
            "too many headers",
        ),
    ];
    for (request, status, what) in &cases {
        let reply = harness::raw(addr, request);
        assert_json_error(&reply, *status, what);
        assert_eq!(
            reply.header("content-length"),
            Some(reply.body.len().to_string().as_str()),
            "{what}"
        );
    }
    // The server still works after all that.
    assert_eq!(server().get("/healthz").status, 200);
}

/// Finding 12: a client that never finishes its request head held its
/// connection for ever. Now the server closes it after the header-read
/// timeout; the test waits up to three times that for the close.
#[test]
fn a_connection_that_never_finishes_its_request_head_is_closed() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    let timeout = Duration::from_millis(300);
    let addr = server().with_limits(Limits {
        header_read_timeout: timeout,
        ..Limits::default()
    });
    /// Whether the server closed the connection (EOF or reset) before `wait`.
    fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        let mut buf = [0u8; 256];
        loop {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            stream.set_read_timeout(Some(left)).unwrap();
            match stream.read(&mut buf) {
                Ok(0) => return true,
                Ok(_) => continue,
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return true,
                Err(_) => return false,
            }
        }
    }

    // Half a request line, then nothing.
    let mut silent = TcpStream::connect(addr).unwrap();
    silent.write_all(b"GET /heal").unwrap();
    assert!(
        closed_within(&mut silent, timeout * 3),
        "a half-sent request line keeps its connection"
    );

    // A complete request line, then a header now and then: the deadline is
    // for the whole head, so trickling does not extend it.
    let mut trickling = TcpStream::connect(addr).unwrap();
    trickling
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut closed = false;
    for i in 0..15 {
        if trickling
            .write_all(format!("X-{i}: y\r\n").as_bytes())
            .is_err()
            || closed_within(&mut trickling, timeout / 5)
        {
            closed = true;
            break;
        }
    }
    assert!(closed, "trickled headers keep their connection");

    // A complete request on the same server is answered as always.
    let reply = get(addr, "/healthz");
    assert_eq!(reply.status, 200);
}

/// `GET target` with extra request headers (`Name: value\r\n` lines).
fn get_with(addr: std::net::SocketAddr, target: &str, headers: &str) -> Reply {
    raw(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n{headers}Connection: close\r\n\r\n")
            .as_bytes(),
    )
}

/// A repeated search is answered with the first one's bytes, without
/// running again (the hit is counted on `/metrics`); a different request
/// is not; with the cache off, every search runs.
#[test]
fn a_repeated_search_is_answered_from_the_response_cache() {
    let sample = |addr, name: &str| -> f64 {
        let text = get(addr, "/metrics").text();
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{name} on /metrics"))
    };
    let addr = server().with_limits(Limits::default());
    let target = format!("/api/search?q={}&mode=bm25&limit=3", enc("烟花爆竹"));
    let first = get(addr, &target);
    let again = get(addr, &target);
    assert_eq!((first.status, again.status), (200, 200));
    assert_eq!(first.body, again.body, "the same bytes");
    assert_eq!(
        again.header("content-type"),
        Some("application/json"),
        "still JSON"
    );
    assert_eq!(sample(addr, "qsearch_response_cache_hits_total"), 1.0);
    // Another page size is another response.
    let other = get(
        addr,
        &format!("/api/search?q={}&mode=bm25&limit=4", enc("烟花爆竹")),
    );
    assert_eq!(other.json()["hits"].as_array().unwrap().len(), 4);
    assert_eq!(sample(addr, "qsearch_response_cache_hits_total"), 1.0);
    assert_eq!(sample(addr, "qsearch_response_cache_misses_total"), 2.0);

    let off = server().with_limits(Limits {
        response_cache_size: 0,
        ..Limits::default()
    });
    assert_eq!(get(off, &target).body, first.body);
    assert_eq!(get(off, &target).body, first.body);
    assert_eq!(sample(off, "qsearch_response_cache_hits_total"), 0.0);
    assert_eq!(sample(off, "qsearch_response_cache_capacity"), 0.0);
}

/// `/metrics` is Prometheus text (every sample `name{labels} value`, every
/// family typed) and counts the requests it has seen, by route and mode.
#[test]
fn metrics_are_prometheus_text_and_count_requests() {
    // A server of its own, so the counts are this test's.
    let addr = server().with_limits(Limits::default());
    let search = get(
        addr,
        &format!("/api/search?q={}&mode=bm25", enc("烟花爆竹")),
    );
    assert_eq!(search.status, 200);
    assert_eq!(get(addr, "/api/nope").status, 404);
    let reply = get(addr, "/metrics");
    assert_eq!(reply.status, 200);
    assert!(
        reply
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/plain; version=0.0.4")),
        "{:?}",
        reply.header("content-type")
    );
    let text = reply.text();
    let mut typed = BTreeSet::new();
    let mut samples = std::collections::BTreeMap::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            typed.insert(name.to_string());
            continue;
        }
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').expect("a sample: series value");
        let value: f64 = value
            .parse()
            .unwrap_or_else(|_| panic!("value of {line:?}"));
        let name = series.split('{').next().unwrap();
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "{line}"
        );
        if let Some(labels) = series.strip_prefix(name) {
            assert!(
                labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')),
                "{line}"
            );
        }
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|s| name.strip_suffix(s).filter(|f| typed.contains(*f)))
            .unwrap_or(name);
        assert!(typed.contains(family), "{name} has no # TYPE: {line}");
        samples.insert(series.to_string(), value);
    }
    let sample = |series: &str| {
        *samples
            .get(series)
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    assert_eq!(
        sample(r#"qsearch_http_requests_total{route="/api/search",mode="bm25",status="200"}"#),
        1.0
    );
    assert_eq!(
        sample(r#"qsearch_http_requests_total{route="unmatched",mode="-",status="404"}"#),
        1.0
    );
    assert_eq!(
        sample(r#"qsearch_http_request_duration_seconds_count{route="/api/search",mode="bm25"}"#),
        1.0
    );
    assert_eq!(
        sample(
            r#"qsearch_http_request_duration_seconds_bucket{route="/api/search",mode="bm25",le="+Inf"}"#
        ),
        1.0
    );
    assert_eq!(sample(r#"qsearch_queue_depth{pool="keyword"}"#), 0.0);
    assert_eq!(sample(r#"qsearch_shed_total{pool="semantic"}"#), 0.0);
    let records = server().state.engine().records().len() as f64;
    assert_eq!(sample("qsearch_index_records"), records);
    let ratio = sample("qsearch_query_cache_hit_ratio");
    assert!((0.0..=1.0).contains(&ratio), "{ratio}");
    assert!(sample("qsearch_embedding_calls_total") >= 1.0);
    // The query-batching histogram: cumulative buckets ending in the count.
    assert_eq!(
        sample(r#"qsearch_embedding_query_batch_size_bucket{le="+Inf"}"#),
        sample("qsearch_embedding_query_batch_size_count")
    );
    assert!(
        sample(r#"qsearch_embedding_query_batch_size_bucket{le="1"}"#)
            <= sample(r#"qsearch_embedding_query_batch_size_bucket{le="16"}"#)
    );
    let generation = server().state.engine().health().index_generation;
    assert!(
        samples
            .keys()
            .any(|s| s.starts_with("qsearch_index_info{") && s.contains(&generation)),
        "{text}"
    );
}

/// A request's `x-request-id` is echoed, or one is made up; error bodies
/// name it.
#[test]
fn request_ids_are_echoed_and_named_in_error_bodies() {
    let addr = server().addr;
    let given = get_with(addr, "/healthz", "x-request-id: test-id-42\r\n");
    assert_eq!(given.status, 200);
    assert_eq!(given.header("x-request-id"), Some("test-id-42"));
    let made = get(addr, "/healthz");
    let id = made.header("x-request-id").expect("an id is made up");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let error = get_with(addr, "/api/search", "x-request-id: err-7\r\n");
    assert_json_error(&error, 400, "missing q");
    assert_eq!(error.header("x-request-id"), Some("err-7"));
    assert_eq!(error.json()["request_id"], "err-7");
}

/// JSON and assets are compressed as the client asks (br, gzip), and not
/// when it does not.
#[test]
fn responses_are_compressed_as_negotiated() {
    use std::io::Read;
    let addr = server().addr;
    let target = format!("/api/search?q={}&mode=bm25&limit=20", enc("烟花爆竹"));
    let plain = get(addr, &target);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-encoding"), None);
    let gzip = get_with(addr, &target, "Accept-Encoding: gzip\r\n");
    assert_eq!(gzip.header("content-encoding"), Some("gzip"));
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(gzip.body.as_slice())
        .read_to_end(&mut inflated)
        .expect("valid gzip");
    let inflated: Value = serde_json::from_slice(&inflated).expect("JSON inside");
    assert_eq!(inflated["hits"], plain.json()["hits"]);
    assert!(gzip.body.len() < plain.body.len());
    let br = get_with(addr, &target, "Accept-Encoding: br;q=1.0, gzip;q=0.5\r\n");
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert!(br.body.len() < plain.body.len());
    let js = get_with(addr, "/assets/app.js", "Accept-Encoding: gzip, br\r\n");
    assert_eq!(js.status, 200);
    assert!(js.header("content-encoding").is_some(), "{:?}", js.headers);
}

/// Assets carry an ETag and are answered 304 when the client has them.
#[test]
fn assets_have_etags_and_answer_304_when_unchanged() {
    let addr = server().addr;
    for path in ["/", "/assets/app.js", "/assets/style.css"] {
        let first = get(addr, path);
        assert_eq!(first.status, 200, "{path}");
        let tag = first.header("etag").expect("an ETag").to_string();
        let again = get_with(addr, path, &format!("If-None-Match: {tag}\r\n"));
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty(), "{path}");
        assert_eq!(again.header("etag"), Some(tag.as_str()));
        let other = get_with(addr, path, "If-None-Match: \"something-else\"\r\n");
        assert_eq!(other.status, 200, "{path}");
    }
}

/// Flags > environment > configuration file > defaults.
#[test]
fn serve_settings_take_flags_over_environment_over_the_file() {
    use qsearch_server::settings::Settings;
    let file = Settings::from_toml(
        "bind = \"127.0.0.1:9001\"\ntimeout_secs = 30\nkeyword_queue = 7\nsemantic_queue = 9\nquery_cache_size = 100\nresponse_cache_size = 0\n",
    )
    .expect("valid TOML");
    let env = Settings::from_env(|var| match var {
        "QSEARCH_TIMEOUT" => Some("20".into()),
        "QSEARCH_SEMANTIC_QUEUE" => Some("5".into()),
        _ => None,
    })
    .expect("valid environment");
    let flags = Settings {
        timeout_secs: Some(3),
        ..Settings::default()
    };
    let settings = flags.or(env).or(file);
    let limits = settings.limits();
    assert_eq!(settings.bind(), "127.0.0.1:9001".parse().unwrap());
    assert_eq!(
        limits.timeout,
        Duration::from_secs(3),
        "flag over env and file"
    );
    assert_eq!(limits.semantic_queue, 5, "env over file");
    assert_eq!(limits.keyword_queue, 7, "file over default");
    assert_eq!(limits.query_cache_size, 100);
    assert_eq!(
        limits.response_cache_size, 0,
        "the response cache can be off"
    );
    assert_eq!(limits.concurrency, Limits::default().concurrency, "default");
    assert!(
        Settings::from_toml("bnid = \"x\"").is_err(),
        "unknown keys are refused"
    );
    assert!(Settings::from_env(|_| Some("many".into())).is_err());
}

/// `qsearch serve --config FILE` listens where the file says, with its
/// limits (seen on /metrics), a flag overriding one of them.
#[test]
fn serve_reads_a_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("serve.toml");
    std::fs::write(
        &config,
        "bind = \"127.0.0.1:0\"\nkeyword_only = true\nkeyword_queue = 7\nsemantic_queue = 9\n",
    )
    .unwrap();
    let mut child = Command::new(qsearch_bin())
        .args([
            "serve",
            "--config",
            config.to_str().unwrap(),
            "--semantic-queue",
            "3",
        ])
        .args(path_args(&server().paths))
        .env_remove("QSEARCH_KEYWORD_QUEUE")
        .env_remove("QSEARCH_SEMANTIC_QUEUE")
        .env_remove("QSEARCH_BIND")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start qsearch serve");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(300));
    let result = std::panic::catch_unwind(|| {
        let line = line.expect("qsearch serve printed its address");
        let addr: std::net::SocketAddr = line
            .trim()
            .strip_prefix("qsearch: listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .parse()
            .expect("a socket address");
        assert!(addr.ip().is_loopback(), "{addr}");
        let health = get(addr, "/healthz");
        assert_eq!(
            health.json()["index"]["semantic"],
            Value::Null,
            "keyword_only"
        );
        let metrics = get(addr, "/metrics").text();
        assert!(
            metrics.contains("qsearch_queue_capacity{pool=\"keyword\"} 7"),
            "{metrics}"
        );
        assert!(
            metrics.contains("qsearch_queue_capacity{pool=\"semantic\"} 3"),
            "the flag wins: {metrics}"
        );
    });
    let _ = child.kill();
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
