//! Shared by `server.rs` and `browser.rs`: the real server on an ephemeral
//! loopback port (in-process, on its own tokio runtime), a minimal
//! HTTP/1.1 client over `std::net::TcpStream`, and the built `qsearch` binary.
//!
//! The server uses a fresh data directory under `target/tmp` (so other test
//! binaries and the developers' `data/` never race with it), seeded with the
//! project's embedding cache when there is one, and the project's models.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use qsearch::engine::EngineOptions;
use qsearch::paths::{MODEL_DIR_ENV, Paths};
use qsearch_server::{AppState, Limits};

/// The project directory.
pub fn project_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh data directory for this test process, seeded with the project's
/// embedding cache (vectors are keyed by content and model, so reusing them
/// only saves time), with models from `QSEARCH_MODEL_DIR` or `data/models`.
pub fn test_paths(name: &str) -> Paths {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    remove_stale_dirs(&root, name);
    let data = root.join(format!("qsearch-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(data.join("embeddings")).expect("create test data dir");
    if let Ok(entries) = std::fs::read_dir(project_dir().join("data/embeddings")) {
        for entry in entries.flatten() {
            let _ = std::fs::copy(
                entry.path(),
                data.join("embeddings").join(entry.file_name()),
            );
        }
    }
    let models = std::env::var_os(MODEL_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| project_dir().join("data/models"));
    Paths::resolve(Some(project_dir().join("seeds")), Some(data), Some(models))
}

/// Data directories of earlier runs whose process is gone.
fn remove_stale_dirs(root: &Path, name: &str) {
    let prefix = format!("qsearch-{name}-");
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = file.strip_prefix(&prefix)
            && !Path::new("/proc").join(pid).exists()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The server every test of one binary shares.
pub struct TestServer {
    pub addr: SocketAddr,
    pub paths: Paths,
    pub state: AppState,
    runtime: tokio::runtime::Handle,
}

impl TestServer {
    pub fn url(&self, target: &str) -> String {
        format!("http://{}{target}", self.addr)
    }

    /// GET a JSON endpoint that must answer 200 with JSON.
    pub fn ok_json(&self, target: &str) -> serde_json::Value {
        let reply = self.get(target);
        assert_eq!(
            reply.status,
            200,
            "GET {target}: {}",
            String::from_utf8_lossy(&reply.body)
        );
        assert!(
            reply
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "GET {target}: content-type {:?}",
            reply.header("content-type")
        );
        reply.json()
    }

    pub fn get(&self, target: &str) -> Reply {
        get(self.addr, target)
    }

    /// Another server on the same engine with other limits.
    pub fn with_limits(&self, limits: Limits) -> SocketAddr {
        self.serve_state(self.state_with(limits))
    }

    /// A state on the same engine with other limits (to serve with
    /// [`TestServer::serve_state`] while the test holds on to it).
    pub fn state_with(&self, limits: Limits) -> AppState {
        AppState::new(self.state.engine().clone(), self.paths.clone(), limits)
    }

    /// Another server for `state`.
    pub fn serve_state(&self, state: AppState) -> SocketAddr {
        let (tx, rx) = std::sync::mpsc::channel();
        self.runtime.spawn(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr"))
                .expect("send addr");
            qsearch_server::serve_on(listener, state, std::future::pending())
                .await
                .expect("serve");
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("second server started")
    }
}

/// Starts the server once per test binary: index opened (built on first
/// use), embedding model loaded, listening on 127.0.0.1:0.
pub fn server(name: &str) -> &'static TestServer {
    static SERVER: OnceLock<TestServer> = OnceLock::new();
    SERVER.get_or_init(|| {
        let paths = test_paths(name);
        let (tx, rx) = std::sync::mpsc::channel();
        let for_server = paths.clone();
        std::thread::Builder::new()
            .name("qsearch-test-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("tokio runtime");
                let handle = runtime.handle().clone();
                runtime.block_on(async move {
                    let state =
                        AppState::open(for_server, EngineOptions::default(), Limits::default())
                            .await
                            .expect("the engine opens");
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                        .await
                        .expect("bind loopback");
                    let addr = listener.local_addr().expect("local addr");
                    tx.send((addr, state.clone(), handle))
                        .expect("report address");
                    qsearch_server::serve_on(listener, state, std::future::pending())
                        .await
                        .expect("serve");
                });
            })
            .expect("spawn server thread");
        let (addr, state, runtime) = rx
            .recv_timeout(Duration::from_secs(600))
            .expect("the server starts");
        TestServer {
            addr,
            paths,
            state,
            runtime,
        }
    })
}

/// An HTTP response.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// `GET target` where target is the raw request-target (already encoded).
pub fn get(addr: SocketAddr, target: &str) -> Reply {
    send(addr, "GET", target.as_bytes())
}

/// Any method with a raw request-target (bytes, so tests can send non-UTF-8).
pub fn send(addr: SocketAddr, method: &str, target: &[u8]) -> Reply {
    let mut request = Vec::new();
    request.extend_from_slice(method.as_bytes());
    request.push(b' ');
    request.extend_from_slice(target);
    request.extend_from_slice(
        format!(" HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
    raw(addr, &request)
}

/// Sends raw bytes and reads the response until the server closes.
pub fn raw(addr: SocketAddr, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect to the test server");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    stream.write_all(request).expect("send request");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read response");
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Reply {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = bytes[end + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = bytes.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&bytes[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        bytes = &bytes[eol + 2..];
        if size == 0 || bytes.len() < size {
            break;
        }
        out.extend_from_slice(&bytes[..size]);
        bytes = &bytes[(size + 2).min(bytes.len())..];
    }
    out
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `qsearch` binary of this build, next to this test's `deps/`.
/// `cargo test` does not build other packages' binaries, so on a fresh
/// clone the first test to need it builds it (once, with the cargo that
/// runs the tests); `scripts/test.sh` builds it beforehand anyway.
/// `QSEARCH_BIN` names another binary to test.
pub fn qsearch_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("QSEARCH_BIN") {
            return PathBuf::from(bin);
        }
        let exe = std::env::current_exe().expect("test executable path");
        let dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("target profile dir");
        let bin = dir.join(format!("qsearch{}", std::env::consts::EXE_SUFFIX));
        if !bin.is_file() {
            build_binary(dir);
        }
        assert!(
            bin.is_file(),
            "{} is missing and could not be built: run `cargo build --workspace` first",
            bin.display()
        );
        bin
    })
    .clone()
}

fn build_binary(profile_dir: &Path) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    command.args(["build", "-p", "qsearch-cli", "--bin", "qsearch"]);
    if profile_dir.file_name().is_some_and(|n| n == "release") {
        command.arg("--release");
    }
    let status = command
        .current_dir(project_dir())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build -p qsearch-cli failed");
}

/// Arguments that point the binary at the same seeds, data and models as `paths`.
pub fn path_args(paths: &Paths) -> Vec<String> {
    vec![
        "--seeds".into(),
        paths.seeds.display().to_string(),
        "--data-dir".into(),
        paths.data.display().to_string(),
        "--model-dir".into(),
        paths.models.display().to_string(),
    ]
}

/// Collects the notes an engine prints (to see whether it rebuilt).
#[derive(Default)]
pub struct Notes(std::sync::Mutex<Vec<String>>);

impl qsearch::progress::Progress for Notes {
    fn note(&self, message: &str) {
        self.0.lock().unwrap().push(message.to_string());
    }
}

impl Notes {
    pub fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// The binary under test (see [`qsearch_bin`]).
pub fn binary() -> PathBuf {
    qsearch_bin()
}

/// Keyword-only engine options: no model, nothing fetched.
pub fn bm25() -> EngineOptions {
    EngineOptions {
        semantic: false,
        model: "none".into(),
        fetch_script: None,
        embed_sessions: 1,
    }
}

/// Paths for a seeds copy and a data directory (models inside it).
pub fn paths(seeds: &Path, data: &Path) -> Paths {
    Paths::resolve(
        Some(seeds.to_path_buf()),
        Some(data.to_path_buf()),
        Some(data.join("models")),
    )
}

/// Copies the project's seed documents and catalog into `to`.
pub fn copy_seeds(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(project_dir().join("seeds")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".txt") || name == "catalog.toml" {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}
