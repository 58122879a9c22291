//! The router as a tower service, without a socket: request parsing,
//! status codes and JSON bodies (tests/server.rs covers what needs a real
//! connection — timeouts, limits, shutdown, the browser).

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use qsearch::Engine;
use qsearch::engine::EngineOptions;
use qsearch::paths::Paths;
use qsearch_server::{AppState, Limits};
use tower::ServiceExt;

/// A keyword-only engine on the project's seeds, in a data directory of
/// this test binary, opened once.
fn state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            let data = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("oneshot-data");
            let paths = Paths::resolve(
                Some(root.join("seeds")),
                Some(data.clone()),
                Some(data.join("models")),
            );
            let options = EngineOptions {
                semantic: false,
                model: "none".into(),
                fetch_script: None,
                embed_sessions: 1,
            };
            let engine = Engine::open_with(&paths, &options, &qsearch::progress::Silent)
                .expect("the engine opens on the seeds");
            AppState::new(Arc::new(engine), paths, Limits::default())
        })
        .clone()
}

async fn get(target: &str) -> (StatusCode, serde_json::Value) {
    let response = qsearch_server::router(state())
        .oneshot(Request::get(target).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{target}: not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    (status, json)
}

#[tokio::test]
async fn a_search_returns_cited_hits_with_highlights() {
    let (status, body) = get("/api/search?q=%E7%83%9F%E8%8A%B1%E7%88%86%E7%AB%B9&limit=3").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let hits = body["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    for hit in hits {
        assert!(hit["source"]["file"].as_str().unwrap().ends_with(".txt"));
        assert!(hit["source"]["line_start"].as_u64().unwrap() >= 1);
        assert!(
            !hit["snippet"]["highlights"].as_array().unwrap().is_empty(),
            "{hit}"
        );
    }
}

#[tokio::test]
async fn bad_requests_are_4xx_with_a_json_code() {
    for (target, status, code) in [
        ("/api/search", StatusCode::BAD_REQUEST, "invalid_request"),
        (
            "/api/search?q=x&limit=abc",
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        (
            "/api/search?q=x&mode=fast",
            StatusCode::BAD_REQUEST,
            "invalid_request",
        ),
        ("/api/records/nope", StatusCode::NOT_FOUND, "not_found"),
        ("/api/nothing-here", StatusCode::NOT_FOUND, "not_found"),
    ] {
        let (got, body) = get(target).await;
        assert_eq!(got, status, "{target}: {body}");
        assert_eq!(body["code"], code, "{target}: {body}");
        assert!(
            !body["error"].as_str().unwrap().is_empty(),
            "{target}: {body}"
        );
    }
}

#[tokio::test]
async fn health_reports_the_index_and_build() {
    let (status, body) = get("/healthz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ok", "{body}");
    assert!(body["index"]["records"].as_u64().unwrap() > 500, "{body}");
    assert!(body["build"]["index_format"].as_u64().is_some(), "{body}");
}
