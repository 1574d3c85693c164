//! The local server: files from the output folder (never outside it), HTML
//! with the live-reload script added, and `/__debrief/events`, a stream of
//! server-sent events that tells open pages to reload or to show the errors.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Request, Response, StatusCode};

use super::Shared;

const LIVE_JS: &str = include_str!("live.js");
const SCRIPT_TAG: &str = "<script src=\"/__debrief/live.js\"></script>";
/// A comment line every so often, so a closed page's stream is noticed and dropped.
const KEEP_ALIVE: Duration = Duration::from_secs(10);

pub struct Server {
    inner: tiny_http::Server,
    shared: Arc<Shared>,
}

impl Server {
    pub fn bind(ip: IpAddr, port: u16, shared: Arc<Shared>) -> anyhow::Result<Server> {
        let addr = SocketAddr::new(ip, port);
        let inner = tiny_http::Server::http(addr).map_err(|e| {
            anyhow::anyhow!("cannot listen on {addr}: {e}; pick another port with --port (0 picks a free one)")
        })?;
        Ok(Server { inner, shared })
    }

    pub fn addr(&self) -> String {
        match self.inner.server_addr() {
            tiny_http::ListenAddr::IP(a) => a.to_string(),
            #[allow(unreachable_patterns)]
            other => format!("{other:?}"),
        }
    }

    /// Serves until the process ends, a thread per request (event streams stay open).
    pub fn run(self) {
        for request in self.inner.incoming_requests() {
            let shared = Arc::clone(&self.shared);
            std::thread::spawn(move || handle(request, &shared));
        }
    }
}

fn handle(request: Request, shared: &Shared) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    match path {
        "/__debrief/live.js" => respond(request, 200, "text/javascript; charset=utf-8", LIVE_JS.as_bytes().to_vec()),
        "/__debrief/events" => events(request, shared),
        "/__debrief/status" => {
            let s = shared.state.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let body = serde_json::json!({ "generation": s.generation, "errors": s.errors }).to_string();
            respond(request, 200, "application/json", body.into_bytes())
        }
        _ => file(request, path, shared),
    }
}

fn respond(request: Request, status: u16, content_type: &str, body: Vec<u8>) {
    let response = Response::from_data(body)
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"));
    // The page may have gone away; nothing to do about it.
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

/// A file of the output folder; folders serve their index.html; HTML gets the reload script.
fn file(request: Request, url_path: &str, shared: &Shared) {
    let Some(rel) = safe_path(url_path) else {
        return respond(request, 400, "text/plain; charset=utf-8", b"bad path".to_vec());
    };
    let mut path = shared.out.join(&rel);
    if path.is_dir() {
        path = path.join("index.html");
    }
    let inside = match (std::fs::canonicalize(&path), std::fs::canonicalize(&shared.out)) {
        (Ok(p), Ok(root)) => p.starts_with(root),
        _ => false,
    };
    match std::fs::read(&path) {
        Ok(bytes) if inside => {
            let kind = content_type(&path);
            let body = if kind.starts_with("text/html") { with_script(bytes) } else { bytes };
            respond(request, 200, kind, body)
        }
        _ => not_found(request, shared),
    }
}

/// The 404 page of the build, or, while the site has errors and nothing is
/// built yet, a page that shows them (and reloads once they are fixed).
fn not_found(request: Request, shared: &Shared) {
    let errors = shared.state.lock().unwrap_or_else(|e| e.into_inner()).errors.clone();
    let built_404 = std::fs::read(shared.out.join("404.html")).ok();
    let body = match (built_404, errors) {
        (Some(page), _) => page,
        (None, Some(_)) => b"<!doctype html><meta charset=utf-8><title>debrief: the site has errors</title><body><p>The site has errors, so nothing is built yet. Fix them and this page reloads.</p></body>".to_vec(),
        (None, None) => b"<!doctype html><meta charset=utf-8><title>Not found</title><body><p>Not found.</p></body>".to_vec(),
    };
    respond(request, 404, "text/html; charset=utf-8", with_script(body))
}

/// The path under the output folder a URL names: decoded, and only plain
/// segments (no `..`, no absolute paths, no backslashes or NUL).
pub fn safe_path(url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let rel = decoded.trim_start_matches('/');
    let path = Path::new(rel);
    path.components().all(|c| matches!(c, Component::Normal(_))).then(|| path.to_path_buf())
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "ics" => "text/calendar; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// The page with the reload script before `</body>` (or at the end).
fn with_script(mut html: Vec<u8>) -> Vec<u8> {
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    html.splice(at..at, SCRIPT_TAG.bytes());
    html
}

/// Server-sent events: `reload` after each good build, `build-error` with the
/// diagnostics while the site has errors. The first event says where things stand.
fn events(request: Request, shared: &Shared) {
    let mut stream = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut seen = None;
    loop {
        let state = {
            let guard = shared.state.lock().unwrap_or_else(|e| e.into_inner());
            let (guard, _) = shared
                .changed
                .wait_timeout_while(guard, KEEP_ALIVE, |s| seen == Some(s.generation))
                .unwrap_or_else(|e| e.into_inner());
            guard.clone()
        };
        let message = if seen == Some(state.generation) {
            ": keep-alive\n\n".to_string()
        } else {
            let before = seen.replace(state.generation);
            match (&state.errors, before) {
                (Some(text), _) => event("build-error", &serde_json::json!({ "text": text }).to_string()),
                (None, None) => event("hello", &state.generation.to_string()),
                (None, Some(before)) => {
                    let files = match state.changed_since(before) {
                        super::Changed::All => serde_json::json!({ "all": true }),
                        super::Changed::Files(f) => serde_json::json!({ "all": false, "files": f }),
                    };
                    event("reload", &files.to_string())
                }
            }
        };
        if stream.write_all(message.as_bytes()).and_then(|()| stream.flush()).is_err() {
            return;
        }
    }
}

fn event(name: &str, data: &str) -> String {
    let data: String = data.lines().map(|l| format!("data: {l}\n")).collect();
    format!("event: {name}\n{data}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_output() {
        assert_eq!(safe_path("/incidents/a/index.html"), Some(PathBuf::from("incidents/a/index.html")));
        assert_eq!(safe_path("/"), Some(PathBuf::new()));
        assert_eq!(safe_path("/search/%20x.js"), Some(PathBuf::from("search/ x.js")));
        for bad in ["/../etc/passwd", "/a/../../x", "/%2e%2e/x", "/a%5c..%5cx", "/%00", "/%zz", "//etc/passwd/.."] {
            assert_eq!(safe_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let out = with_script(b"<html><body><p>x</p></BODY></html>".to_vec());
        assert_eq!(String::from_utf8(out).unwrap(), format!("<html><body><p>x</p>{SCRIPT_TAG}</BODY></html>"));
        assert!(String::from_utf8(with_script(b"plain".to_vec())).unwrap().ends_with(SCRIPT_TAG));
    }

    #[test]
    fn events_put_each_line_in_its_own_data_field() {
        assert_eq!(event("reload", "3"), "event: reload\ndata: 3\n\n");
        assert_eq!(event("e", "a\nb"), "event: e\ndata: a\ndata: b\n\n");
    }
}
