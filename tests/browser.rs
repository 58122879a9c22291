//! Issue 5 acceptance: the page in a real browser. Headless Chromium
//! (Debian's `chromium`, installed by `scripts/browser-setup.sh` when
//! missing) loads the page, *types* 谁负责烟花爆竹质量 into the search box
//! and presses Enter, then must show the answer card naming 质监局 and at
//! least 3 passages with `file:line` citations. It is driven over the
//! DevTools protocol with a minimal WebSocket client written here (no
//! browser-automation crates). Screenshots and the rendered DOM are saved
//! under `target/browser/`.

mod harness;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const QUESTION: &str = "谁负责烟花爆竹质量";
const WIDTH: u32 = 412;
const HEIGHT: u32 = 900;

/// Where screenshots and DOM dumps go: `target/browser/`.
fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../browser");
    std::fs::create_dir_all(&dir).expect("create target/browser");
    dir
}

/// The Chromium binary, installed by the set-up script when absent.
fn chromium() -> PathBuf {
    let script = harness::project_dir().join("scripts/browser-setup.sh");
    let output = Command::new("bash")
        .arg(&script)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    let path = String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_string();
    assert!(
        output.status.success() && !path.is_empty(),
        "headless Chromium is not available and {} could not install it \
         (it needs Debian's `chromium` package: `apt-get install -y chromium`, as root); \
         or set QSEARCH_CHROMIUM to a Chromium binary",
        script.display()
    );
    PathBuf::from(path)
}

/// A headless Chromium with a fresh profile; killed on drop.
struct Browser {
    child: Child,
    profile: PathBuf,
    cdp: Cdp,
}

impl Browser {
    fn launch() -> Browser {
        let profile = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("chromium-profile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("create profile dir");
        let mut child = Command::new(chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--no-default-browser-check",
                "--mute-audio",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                &format!("--window-size={WIDTH},{HEIGHT}"),
                &format!("--user-data-dir={}", profile.display()),
                "about:blank",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        // Chromium writes its port and browser target path here once listening.
        let port_file = profile.join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(60);
        let (port, path) = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                let mut lines = text.lines();
                if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                    break (port.trim().to_string(), path.trim().to_string());
                }
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("chromium exited at start-up: {status}");
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("chromium did not open its DevTools port within 60 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let cdp = Cdp::connect(&format!("127.0.0.1:{port}"), &path);
        Browser {
            child,
            profile,
            cdp,
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.cdp.call(None, "Browser.close", json!({}));
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A Chrome DevTools Protocol connection (WebSocket by tungstenite).
struct Cdp {
    socket: tungstenite::WebSocket<TcpStream>,
    next_id: u64,
}

impl Cdp {
    fn connect(host: &str, path: &str) -> Cdp {
        let stream = TcpStream::connect(host).expect("connect to DevTools");
        stream
            .set_read_timeout(Some(Duration::from_secs(90)))
            .unwrap();
        let url = format!("ws://{host}{path}");
        let (socket, _) = tungstenite::client(url.as_str(), stream)
            .unwrap_or_else(|e| panic!("DevTools refused the WebSocket: {e}"));
        Cdp { socket, next_id: 1 }
    }

    /// The next complete text message (pings are answered by tungstenite).
    fn read_message(&mut self) -> String {
        loop {
            match self.socket.read().expect("read from DevTools") {
                tungstenite::Message::Text(text) => return text.to_string(),
                tungstenite::Message::Close(_) => panic!("DevTools closed the connection"),
                _ => {}
            }
        }
    }

    /// Sends a command (to a page session, or to the browser) and waits for its result.
    fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        let mut command = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        self.socket
            .send(tungstenite::Message::text(command.to_string()))
            .expect("send to DevTools");
        loop {
            let message: Value =
                serde_json::from_str(&self.read_message()).expect("JSON from DevTools");
            if message["id"] == id {
                return match message.get("error") {
                    Some(e) => Err(format!("{method}: {e}")),
                    None => Ok(message["result"].clone()),
                };
            }
        }
    }
}

/// One page (tab) of the browser.
struct Page<'a> {
    browser: &'a mut Browser,
    session: String,
}

impl<'a> Page<'a> {
    fn open(browser: &'a mut Browser) -> Page<'a> {
        let target = browser
            .cdp
            .call(None, "Target.createTarget", json!({ "url": "about:blank" }))
            .unwrap();
        let attached = browser
            .cdp
            .call(
                None,
                "Target.attachToTarget",
                json!({ "targetId": target["targetId"], "flatten": true }),
            )
            .unwrap();
        let session = attached["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        let mut page = Page { browser, session };
        page.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": true }),
        );
        page.call("Page.enable", json!({}));
        page.call("Runtime.enable", json!({}));
        page
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.browser
            .cdp
            .call(Some(&session), method, params)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Evaluates an expression in the page and returns its JSON value.
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(e) = result.get("exceptionDetails") {
            panic!("page script failed: {e}\n{expression}");
        }
        result["result"]["value"].clone()
    }

    /// Polls `expression` until `done` holds for its value; the last value either way.
    fn wait_for(
        &mut self,
        expression: &str,
        timeout: Duration,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + timeout;
        loop {
            let value = self.eval(expression);
            if done(&value) || Instant::now() > deadline {
                return value;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        let ready = self.wait_for(
            "document.readyState === 'complete' && !!document.querySelector('#q')",
            Duration::from_secs(30),
            |v| v == &json!(true),
        );
        assert_eq!(ready, json!(true), "the page at {url} loaded");
    }

    /// Types text as keyboard input, one character at a time.
    fn type_text(&mut self, text: &str) {
        for ch in text.chars() {
            self.call("Input.insertText", json!({ "text": ch.to_string() }));
        }
    }

    fn press_enter(&mut self) {
        for kind in ["keyDown", "keyUp"] {
            let mut event = json!({
                "type": kind, "key": "Enter", "code": "Enter",
                "windowsVirtualKeyCode": 13, "nativeVirtualKeyCode": 13
            });
            if kind == "keyDown" {
                event["text"] = json!("\r");
            }
            self.call("Input.dispatchKeyEvent", event);
        }
    }

    fn screenshot(&mut self, name: &str) -> PathBuf {
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let png = base64_decode(shot["data"].as_str().expect("screenshot data"));
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        let path = artifacts().join(name);
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    fn save_dom(&mut self, name: &str) {
        let html = self.eval("document.documentElement.outerHTML");
        let _ = std::fs::write(artifacts().join(name), html.as_str().unwrap_or_default());
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// What the page shows, as the test reads it.
const STATE: &str = r#"(() => {
  const card = document.querySelector('#answer');
  const hits = [...document.querySelectorAll('#results li.hit')];
  return {
    answerShown: !!card && !card.hidden,
    answer: card ? card.innerText : '',
    departments: [...document.querySelectorAll('#answer .dept-name')].map(e => e.textContent),
    passages: hits.length,
    cites: hits.map(h => (h.querySelector('.cite') || {}).textContent || ''),
    marks: document.querySelectorAll('#results .snippet mark').length,
    status: (document.querySelector('#status') || {}).textContent || '',
    url: location.href,
  };
})()"#;

fn is_citation(text: &str) -> bool {
    // file.txt:LINE or file.txt:START-END
    let Some((file, lines)) = text.rsplit_once(':') else {
        return false;
    };
    file.ends_with(".txt")
        && !lines.is_empty()
        && lines
            .split('-')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[test]
fn typed_question_shows_answer_card_and_cited_passages() {
    let server = harness::server("browser");
    let mut browser = Browser::launch();
    let mut page = Page::open(&mut browser);
    page.navigate(&server.url("/"));

    // Type the question into the search box and press Enter, as a person would.
    page.eval("document.querySelector('#q').focus()");
    page.type_text(QUESTION);
    assert_eq!(
        page.eval("document.querySelector('#q').value"),
        json!(QUESTION),
        "typed into the box"
    );
    page.press_enter();

    let state = page.wait_for(STATE, Duration::from_secs(90), |s| {
        s["passages"].as_u64().unwrap_or(0) >= 3 && s["answerShown"] == json!(true)
    });
    page.save_dom("answer.html");
    let shot = page.screenshot("answer.png");
    eprintln!(
        "browser: screenshot {} ; page state {state:#}",
        shot.display()
    );

    assert!(
        state["url"].as_str().unwrap().contains("q="),
        "the query is in the URL: {state}"
    );
    assert_eq!(
        state["answerShown"],
        json!(true),
        "the answer card is shown: {state}"
    );
    assert!(
        state["departments"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "质监局"),
        "the answer card names 质监局: {state}"
    );
    assert!(
        state["answer"].as_str().unwrap().contains("市场监督管理局"),
        "current name shown: {state}"
    );
    let cites: Vec<&str> = state["cites"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let cited = cites.iter().filter(|c| is_citation(c)).count();
    assert!(cited >= 3, "at least 3 passages cite file:line: {cites:?}");
    assert!(
        state["marks"].as_u64().unwrap() > 0,
        "snippets highlight the matched words: {state}"
    );

    // A citation opens the record with its source lines.
    page.eval("document.querySelector('#results .cite').click()");
    let record = page.wait_for(
        "({open: document.querySelector('#record-dialog').open, lines: document.querySelectorAll('#record-dialog .source-lines li').length})",
        Duration::from_secs(30),
        |v| v["lines"].as_u64().unwrap_or(0) > 0,
    );
    assert_eq!(
        record["open"],
        json!(true),
        "the citation opens the record: {record}"
    );
    assert!(
        record["lines"].as_u64().unwrap() > 0,
        "the record shows its source lines: {record}"
    );
    page.screenshot("record.png");
    page.eval("document.querySelector('#record-close').click()");

    // The compare view: departments × bureaus for one matter.
    page.navigate(&server.url("/?view=compare&matter=%E7%83%9F%E8%8A%B1%E7%88%86%E7%AB%B9"));
    let table = page.wait_for(
        "({cols: document.querySelectorAll('table.compare thead th').length, rows: document.querySelectorAll('table.compare tbody tr').length, status: document.querySelector('#compare-status').textContent})",
        Duration::from_secs(60),
        |v| v["rows"].as_u64().unwrap_or(0) > 0,
    );
    page.screenshot("compare.png");
    assert!(
        table["cols"].as_u64().unwrap() >= 5,
        "department column + at least 4 bureaus: {table}"
    );
    assert!(
        table["rows"].as_u64().unwrap() >= 2,
        "several departments: {table}"
    );

    check_clause_view(&mut page, server);

    // Phone width: nothing but the comparison table scrolls sideways.
    page.navigate(&server.url(&format!("/?q={}", harness::enc(QUESTION))));
    let width = page.wait_for(
        "({passages: document.querySelectorAll('#results li.hit').length, scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))})",
        Duration::from_secs(60),
        |v| v["passages"].as_u64().unwrap_or(0) >= 3,
    );
    assert!(
        width["passages"].as_u64().unwrap() >= 3,
        "the q URL parameter runs the search: {width}"
    );
    assert!(
        width["scroll"].as_u64().unwrap() <= width["client"].as_u64().unwrap() + 1,
        "no horizontal scrolling at {WIDTH}px: {width}"
    );

    check_not_covered_card(&mut page, server);
    check_law_view(&mut page, server);
}

/// The compare view with free text: per section and bureau the passages,
/// their numbers marked (those that differ highlighted), citations that open
/// the record, and the form that submits text.
fn check_clause_view(page: &mut Page, server: &harness::TestServer) {
    page.navigate(&server.url(&format!(
        "/?view=compare&text={}",
        harness::enc("检验检测机构 监督检查")
    )));
    let view = page.wait_for(
        "({rows: document.querySelectorAll('table.compare.clause tbody tr').length, cols: [...document.querySelectorAll('table.compare.clause tbody tr')].reduce((n, tr) => Math.max(n, [...tr.querySelectorAll('td')].filter(td => td.querySelector('li.passage')).length), 0), bureaus: new Set([...document.querySelectorAll('table.compare.clause tbody tr')].flatMap(tr => [...tr.querySelectorAll('td')].map((td, i) => td.querySelector('li.passage') ? i : -1)).filter(i => i >= 0)).size, numbers: document.querySelectorAll('table.compare.clause mark.num').length, differing: document.querySelectorAll('table.compare.clause .differs').length, cites: [...document.querySelectorAll('table.compare.clause .cite')].map(a => a.textContent), status: document.querySelector('#compare-status').textContent, stray: document.querySelector('#compare-result').textContent.includes('null')})",
        Duration::from_secs(60),
        |v| v["rows"].as_u64().unwrap_or(0) > 0,
    );
    page.screenshot("compare-text.png");
    assert_eq!(view["stray"], json!(false), "no stray null: {view}");
    assert!(
        view["bureaus"].as_u64().unwrap() >= 4,
        "passages from 4 bureaus: {view}"
    );
    assert!(
        view["numbers"].as_u64().unwrap() > 0,
        "numbers marked: {view}"
    );
    assert!(
        view["differing"].as_u64().unwrap() > 0,
        "differences highlighted: {view}"
    );
    let cites = view["cites"].as_array().unwrap();
    assert!(
        !cites.is_empty() && cites.iter().all(|c| is_citation(c.as_str().unwrap())),
        "every passage cites file:lines: {view}"
    );
    page.eval("document.querySelector('table.compare.clause .cite').click()");
    let record = page.wait_for(
        "document.querySelectorAll('#record-dialog .source-lines li').length",
        Duration::from_secs(30),
        |v| v.as_u64().unwrap_or(0) > 0,
    );
    assert!(record.as_u64().unwrap() > 0, "a passage opens its record");
    page.eval("document.querySelector('#record-close').click()");

    // A topic no list covers: every bureau said to have nothing.
    page.eval(&format!(
        "document.querySelector('#matter').value = {}; document.querySelector('#compare-form').requestSubmit()",
        json!("离婚登记")
    ));
    let none = page.wait_for(
        "({url: location.href, status: document.querySelector('#compare-status').textContent})",
        Duration::from_secs(60),
        |v| v["status"].as_str().unwrap_or("").contains("均无"),
    );
    assert!(none["url"].as_str().unwrap().contains("text="), "{none}");
    assert!(
        none["status"].as_str().unwrap().contains("衡水市"),
        "{none}"
    );
}

/// A question the lists do not cover: the card says so, without a stray
/// `null` and without naming a department.
fn check_not_covered_card(page: &mut Page, server: &harness::TestServer) {
    let question = "离婚手续去哪里办";
    page.navigate(&server.url(&format!("/?q={}", harness::enc(question))));
    let state = page.wait_for(STATE, Duration::from_secs(90), |s| {
        s["passages"].as_u64().unwrap_or(0) >= 1 && s["answerShown"] == json!(true)
    });
    page.screenshot("not-covered.png");
    let card = state["answer"].as_str().unwrap();
    assert!(
        card.contains("没有写明"),
        "the card says the lists do not say: {state}"
    );
    assert!(
        card.contains("12345"),
        "the card points to the hotline: {state}"
    );
    assert!(
        !card.contains("null") && !card.contains("undefined"),
        "no stray null: {state}"
    );
    assert!(
        state["departments"].as_array().unwrap().is_empty(),
        "no department is named as the answer: {state}"
    );
}

/// The legal-basis view (issue 14): the list, one instrument opened from
/// it, every entry cited and opening its record; a hit links its citations.
fn check_law_view(page: &mut Page, server: &harness::TestServer) {
    page.navigate(&server.url("/?view=laws"));
    let list = page.wait_for(
        "({rows: document.querySelectorAll('#laws-result table tbody tr').length, shown: !document.querySelector('#laws-view').hidden})",
        Duration::from_secs(60),
        |v| v["rows"].as_u64().unwrap_or(0) > 50,
    );
    assert!(
        list["rows"].as_u64().unwrap() > 50,
        "the instruments are listed: {list}"
    );
    assert_eq!(list["shown"], json!(true), "{list}");
    page.eval("[...document.querySelectorAll('#laws-result a.law-link')].find(a => a.dataset.law === '烟花爆竹安全管理条例').click()");
    let detail = page.wait_for(
        "({url: location.href, bureaus: document.querySelectorAll('#laws-result .law-bureau').length, cites: [...document.querySelectorAll('#laws-result .cite')].map(a => a.textContent), status: document.querySelector('#laws-status').textContent})",
        Duration::from_secs(60),
        |v| v["bureaus"].as_u64().unwrap_or(0) > 0,
    );
    page.screenshot("law.png");
    assert!(
        detail["url"].as_str().unwrap().contains("name="),
        "{detail}"
    );
    assert!(
        detail["bureaus"].as_u64().unwrap() >= 4,
        "grouped by bureau: {detail}"
    );
    let cites = detail["cites"].as_array().unwrap();
    assert!(
        !cites.is_empty() && cites.iter().all(|c| is_citation(c.as_str().unwrap())),
        "every entry cites file:lines: {detail}"
    );
    page.eval("document.querySelector('#laws-result .cite').click()");
    let record = page.wait_for(
        "document.querySelectorAll('#record-dialog .source-lines li').length",
        Duration::from_secs(30),
        |v| v.as_u64().unwrap_or(0) > 0,
    );
    assert!(record.as_u64().unwrap() > 0, "the entry opens its record");
    page.eval("document.querySelector('#record-close').click()");

    page.navigate(&server.url(&format!(
        "/?q={}&mode=bm25",
        harness::enc("烟花爆竹安全管理条例")
    )));
    let links = page.wait_for(
        "document.querySelectorAll('#results .hit-laws a.law-link').length",
        Duration::from_secs(60),
        |v| v.as_u64().unwrap_or(0) > 0,
    );
    assert!(links.as_u64().unwrap() > 0, "hits link the laws they cite");
}
