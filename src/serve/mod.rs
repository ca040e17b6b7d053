//! `carebook serve`: builds the site into memory, serves it on 127.0.0.1,
//! rebuilds on every saved change and tells open pages to reload.
//!
//! - The build is the same pipeline as `carebook build` (`render_output`),
//!   kept in memory; nothing is written to `public/`.
//! - A failed rebuild never replaces the last good one: pages keep working,
//!   and an overlay lists every problem until the next good build.
//! - Pages get a small live-reload script and `data-serve=true` (which keeps
//!   the service worker away); neither ever appears in `carebook build`.

mod http;
pub mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};
use serde::Serialize;
use tera::Tera;

use crate::build::{Purpose, render_output_with};
use crate::diagnostic::Diagnostic;
use crate::error::BuildError;
use crate::render::OutputSet;
use crate::render::memo::RenderMemo;
use crate::render::pages::load_templates;
use crate::render::search::DeferredIndex;
use crate::source::config::{Config, ConfigOverrides, load_config};
use crate::source::discover::{Sources, discover, refresh_content};
use http::{EVENTS_PATH, LIVE_SCRIPT_PATH, Resolved};
use watch::{Change, classify_change};

/// The first port tried when none is given (as Zola does).
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports after the default to try when it is taken.
const PORT_ATTEMPTS: u16 = 20;
/// Quiet time after a change before rebuilding, so one save that touches
/// several files (or an editor's write-then-rename) gives one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// What `carebook serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// `None`: the default port, or the next free one.
    pub port: Option<u16>,
    pub include_drafts: bool,
}

/// A problem as the browser overlay shows it.
#[derive(Debug, Clone, Serialize)]
struct OverlayProblem {
    path: String,
    line: usize,
    column: usize,
    severity: &'static str,
    message: String,
    hint: String,
}

/// A good build, as served.
struct Preview {
    files: Arc<OutputSet>,
    /// The search index of each language (list and parts), built on the first request.
    search: Vec<DeferredIndex>,
}

impl Preview {
    fn contains(&self, path: &str) -> bool {
        // A search path builds that index (a search is under way): only a
        // part the index has is there, anything else is a 404.
        self.files.contains_key(path) || self.search.iter().any(|index| index.get(path).is_some())
    }

    fn get(&self, path: &str) -> Option<&[u8]> {
        match self.files.get(path) {
            Some(body) => Some(body),
            None => self.search.iter().find_map(|index| index.get(path)),
        }
    }
}

/// What the server shares between its threads.
struct ServerState {
    /// The last good build; `None` until one succeeds.
    site: RwLock<Option<Arc<Preview>>>,
    /// The problems of the latest build, if it failed.
    problems: RwLock<Option<Vec<OverlayProblem>>>,
    /// Open live-reload connections.
    listeners: Mutex<Vec<Sender<String>>>,
}

impl ServerState {
    /// Sends a server-sent event to every open page; closed pages drop out.
    fn broadcast(&self, event: &str, data: &str) {
        let message = format!("event: {event}\ndata: {data}\n\n");
        if let Ok(mut listeners) = self.listeners.lock() {
            listeners.retain(|listener| listener.send(message.clone()).is_ok());
        }
    }
}

/// Runs the server until Ctrl-C.
pub fn serve(options: &ServeOptions) -> Result<(), BuildError> {
    let options = &with_site_root(options)?;
    let (listener, address) = bind(options)?;
    let base_url = format!("http://{address}");
    let state = Arc::new(ServerState {
        site: RwLock::new(None),
        problems: RwLock::new(None),
        listeners: Mutex::new(Vec::new()),
    });
    // Watch before the first build, so an edit made while it runs is not lost.
    let (changes_tx, changes_rx) = mpsc::channel();
    let mut watcher = watch_sources(&options.root, changes_tx)?;
    let overrides = ConfigOverrides {
        base_url: Some(base_url.clone()),
        include_drafts: options.include_drafts,
    };
    let mut inputs: Option<Inputs> = None;
    let mut rebuild = |state: &ServerState, changed: &[(Change, PathBuf)]| {
        rebuild(&options.root, &overrides, &mut inputs, changed, state)
    };
    rebuild(&state, &[]);

    let server_state = Arc::clone(&state);
    std::thread::spawn(move || accept_connections(listener, server_state));
    eprintln!("Serving the site at {base_url}/ (press Ctrl-C to stop)");
    if !options.bind.is_loopback() {
        eprintln!(
            "Note: bound to {}, so other devices on the network can see the site.",
            options.bind
        );
    }
    let (stop_tx, stop_rx) = mpsc::channel();
    let _ = ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    });
    loop {
        if stop_rx.try_recv().is_ok() {
            eprintln!("\nStopped.");
            return Ok(());
        }
        let Ok(first) = changes_rx.recv_timeout(Duration::from_millis(200)) else { continue };
        let started = Instant::now();
        let changed = gather_changes(&options.root, first, &changes_rx);
        if changed.is_empty() {
            continue;
        }
        watch_created_folders(&mut watcher, &options.root, &changed);
        let ok = rebuild(&state, &changed);
        if ok {
            eprintln!("Rebuilt and reloaded in {} ms", started.elapsed().as_millis());
        }
    }
}

/// `options` with the site's folder made absolute (watch events carry
/// absolute paths), once it is known to hold a site.
fn with_site_root(options: &ServeOptions) -> Result<ServeOptions, BuildError> {
    // The message `build` gives (issue #15): a mistyped --root is a
    // missing site, not a raw OS error or a preview of nothing.
    if !options.root.join(crate::source::config::CONFIG_FILE).is_file() {
        return Err(BuildError::MissingConfig { root: options.root.clone() });
    }
    let root = options
        .root
        .canonicalize()
        .map_err(|source| BuildError::Read { path: options.root.clone(), source })?;
    Ok(ServeOptions { root, ..options.clone() })
}

/// The changes of one save: `first`, and those that follow it within
/// [`DEBOUNCE`] (an editor writes a file in several steps), sorted, each
/// once, and named on the terminal.
fn gather_changes(
    root: &Path,
    first: notify::Event,
    changes: &mpsc::Receiver<notify::Event>,
) -> Vec<(Change, PathBuf)> {
    let mut changed = relevant_changes(root, first);
    while let Ok(more) = changes.recv_timeout(DEBOUNCE) {
        changed.extend(relevant_changes(root, more));
    }
    changed.sort();
    changed.dedup();
    if !changed.is_empty() {
        let names: Vec<String> = changed
            .iter()
            .map(|(_, path)| path.strip_prefix(root).unwrap_or(path).display().to_string())
            .collect();
        eprintln!("Changed: {}", names.join(", "));
    }
    changed
}

/// Binds to the requested port, or to the first free one from the default.
fn bind(options: &ServeOptions) -> Result<(TcpListener, SocketAddr), BuildError> {
    let io_error = |port: u16, source| BuildError::Bind {
        address: SocketAddr::new(options.bind, port),
        source,
    };
    if let Some(port) = options.port {
        let listener = TcpListener::bind((options.bind, port)).map_err(|e| io_error(port, e))?;
        let address = listener.local_addr().map_err(|e| io_error(port, e))?;
        return Ok((listener, address));
    }
    let mut last_error = None;
    for port in DEFAULT_PORT..DEFAULT_PORT + PORT_ATTEMPTS {
        match TcpListener::bind((options.bind, port)) {
            Ok(listener) => {
                if port != DEFAULT_PORT {
                    eprintln!("Port {DEFAULT_PORT} is in use, so port {port} is used instead.");
                }
                let address = listener.local_addr().map_err(|e| io_error(port, e))?;
                return Ok((listener, address));
            }
            Err(err) => last_error = Some(err),
        }
    }
    Err(io_error(DEFAULT_PORT, last_error.unwrap_or_else(|| std::io::Error::other("no free port"))))
}

/// What the last rebuild read: the settings, every source file and the
/// compiled templates, and what it rendered. Kept so that the next rebuild
/// re-reads only what changed (a saved page is one file read, and templates
/// are compiled again only when one of them changed) and runs the templates
/// only for pages whose context changed (`render::memo`).
struct Inputs {
    config: Config,
    sources: Sources,
    templates: Tera,
    /// The last good preview's pages and fingerprints.
    memo: Option<RenderMemo>,
}

/// Brings `previous` up to date with the changed files, re-reading as
/// little as is safe: settings or theme changes start from scratch.
fn refresh_inputs(
    root: &Path,
    overrides: &ConfigOverrides,
    previous: Option<Inputs>,
    changed: &[(Change, PathBuf)],
) -> Result<Inputs, BuildError> {
    let has = |kind: Change| changed.iter().any(|(change, _)| *change == kind);
    let previous = match previous {
        Some(previous) if !has(Change::Config) && !has(Change::Theme) => previous,
        _ => {
            let config = load_config(root, overrides)?;
            let sources = discover(&config)?;
            let templates = load_templates(sources.templates.values())?;
            return Ok(Inputs { config, sources, templates, memo: None });
        }
    };
    let Inputs { config, mut sources, mut templates, memo } = previous;
    let content: Vec<PathBuf> = changed
        .iter()
        .filter(|(change, _)| *change == Change::Content)
        .map(|(_, path)| path.clone())
        .collect();
    let only_content = content.len() == changed.len();
    if !only_content || !refresh_content(&config, &mut sources, &content) {
        sources = discover(&config)?;
    }
    if has(Change::Template) {
        templates = load_templates(sources.templates.values())?;
    }
    Ok(Inputs { config, sources, templates, memo })
}

/// Builds into memory; swaps the result in only if it succeeded.
fn rebuild(
    root: &Path,
    overrides: &ConfigOverrides,
    inputs: &mut Option<Inputs>,
    changed: &[(Change, PathBuf)],
    state: &ServerState,
) -> bool {
    // On an error the inputs are dropped: the next change reads everything.
    let result = refresh_inputs(root, overrides, inputs.take(), changed).and_then(|fresh| {
        let built = render_output_with(
            &fresh.config,
            &fresh.sources,
            &fresh.templates,
            Purpose::Preview,
            fresh.memo.as_ref(),
        );
        *inputs = Some(fresh);
        built
    });
    match result {
        Ok(built) => {
            for warning in &built.warnings {
                eprintln!("{warning}");
            }
            let files = Arc::new(built.files);
            // The last build is freed after the reload is sent: freeing
            // thousands of pages takes time the author would wait for.
            let mut last_memo = None;
            if let Some(inputs) = inputs.as_mut() {
                last_memo = inputs.memo.replace(RenderMemo {
                    fingerprints: built.preview.fingerprints,
                    files: Arc::clone(&files),
                    documents: built.preview.documents,
                });
            }
            let preview = Some(Arc::new(Preview { files, search: built.preview.deferred_search }));
            let last_site =
                state.site.write().ok().map(|mut site| std::mem::replace(&mut *site, preview));
            if let Ok(mut problems) = state.problems.write() {
                *problems = None;
            }
            state.broadcast("reload", "{}");
            drop((last_memo, last_site));
            true
        }
        Err(err) => {
            eprintln!("{}", err.report());
            eprintln!("Still serving the last good version.");
            let problems = overlay_problems(&err);
            let data = serde_json::to_string(&problems).unwrap_or_else(|_| "[]".into());
            if let Ok(mut current) = state.problems.write() {
                *current = Some(problems);
            }
            state.broadcast("problems", &data);
            false
        }
    }
}

fn overlay_problems(err: &BuildError) -> Vec<OverlayProblem> {
    let from_diagnostic = |d: &Diagnostic| OverlayProblem {
        path: d.path.display().to_string(),
        line: d.position.line,
        column: d.position.column,
        severity: if d.is_error() { "error" } else { "warning" },
        message: d.message.clone(),
        hint: d.hint.clone().unwrap_or_default(),
    };
    match err {
        BuildError::Content(diagnostics) => diagnostics.iter().map(from_diagnostic).collect(),
        other => vec![OverlayProblem {
            path: String::new(),
            line: 0,
            column: 0,
            severity: "error",
            message: other.report(),
            hint: String::new(),
        }],
    }
}

/// The folders of a site that are watched recursively.
const WATCHED_FOLDERS: [&str; 5] = ["content", "templates", "i18n", "static", "themes"];

/// Watches the site's sources (not `public/` or `target/`, which can be
/// large and change during a build).
fn watch_sources(
    root: &Path,
    changes: Sender<notify::Event>,
) -> Result<notify::RecommendedWatcher, BuildError> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            let _ = changes.send(event);
        }
    })
    .map_err(|source| BuildError::Watch { path: root.to_path_buf(), source })?;
    // The root itself, not recursively: catches site.toml however an editor
    // saves it, and the creation of a watched folder.
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|source| BuildError::Watch { path: root.to_path_buf(), source })?;
    for folder in WATCHED_FOLDERS {
        watch_folder(&mut watcher, &root.join(folder))?;
    }
    Ok(watcher)
}

/// Watches `folder` and everything in it, if it exists.
fn watch_folder(watcher: &mut impl Watcher, folder: &Path) -> Result<(), BuildError> {
    if !folder.is_dir() {
        return Ok(());
    }
    watcher
        .watch(folder, RecursiveMode::Recursive)
        .map_err(|source| BuildError::Watch { path: folder.to_path_buf(), source })
}

/// Starts watching a source folder made while serving (a first template
/// override creates `templates/`, say); without this, edits inside it
/// would go unnoticed.
fn watch_created_folders(watcher: &mut impl Watcher, root: &Path, changed: &[(Change, PathBuf)]) {
    for (_, path) in changed {
        let is_top_folder = path.parent() == Some(root)
            && path.file_name().is_some_and(|name| WATCHED_FOLDERS.iter().any(|f| name == *f));
        if is_top_folder && let Err(err) = watch_folder(watcher, path) {
            eprintln!("{}", err.report());
        }
    }
}

/// The changed paths of an event that need a rebuild, with their kind.
fn relevant_changes(root: &Path, event: notify::Event) -> Vec<(Change, PathBuf)> {
    if event.kind.is_access() {
        return Vec::new();
    }
    event
        .paths
        .into_iter()
        .map(|path| (classify_change(root, &path), path))
        .filter(|(change, _)| *change != Change::Ignored)
        .collect()
}

fn accept_connections(listener: TcpListener, state: Arc<ServerState>) {
    for stream in listener.incoming().flatten() {
        let state = Arc::clone(&state);
        std::thread::spawn(move || handle_connection(stream, &state));
    }
}

fn handle_connection(mut stream: TcpStream, state: &ServerState) {
    let Some(request) = http::read_request(&stream) else { return };
    let head_only = request.method == "HEAD";
    if request.method != "GET" && !head_only {
        http::respond(&mut stream, "405 Method Not Allowed", &[("Allow", "GET, HEAD")], b"", false);
        return;
    }
    match request.path.as_str() {
        LIVE_SCRIPT_PATH => {
            let script = include_str!("live.js").as_bytes();
            http::respond(
                &mut stream,
                "200 OK",
                &[("Content-Type", http::content_type("live.js"))],
                script,
                head_only,
            );
        }
        EVENTS_PATH => stream_events(stream, state),
        path => serve_file(&mut stream, path, state, head_only),
    }
}

fn serve_file(stream: &mut TcpStream, path: &str, state: &ServerState, head_only: bool) {
    let site = state.site.read().ok().and_then(|site| site.clone());
    let reply = match &site {
        Some(site) => site_reply(site, path),
        // No good build yet: every page shows the problems (via the overlay).
        None => Reply {
            status: "503 Service Unavailable",
            header: ("Content-Type", HTML.into()),
            body: http::inject_live_reload(b"<!doctype html><html lang=en><title>Build problems</title><body><h1>The site has problems</h1><p>See the list, or the terminal running carebook serve.</body></html>").into(),
        },
    };
    let (name, value) = &reply.header;
    http::respond(stream, reply.status, &[(name, value.as_str())], &reply.body, head_only);
}

const HTML: &str = "text/html; charset=utf-8";

/// What to answer a request with: status, one header, body.
struct Reply<'a> {
    status: &'static str,
    header: (&'static str, String),
    body: std::borrow::Cow<'a, [u8]>,
}

/// The preview's answer for `path`: its file (pages with the live reload
/// script), a redirect to the folder's address, or the site's 404 page.
fn site_reply<'a>(site: &'a Preview, path: &str) -> Reply<'a> {
    match http::resolve_path(path, |file| site.contains(file)) {
        Resolved::File(file) => {
            let body = site.get(&file).unwrap_or_default();
            let content_type = http::content_type(&file).to_string();
            let body = if file.ends_with(".html") {
                http::inject_live_reload(body).into()
            } else {
                body.into()
            };
            Reply { status: "200 OK", header: ("Content-Type", content_type), body }
        }
        Resolved::Redirect(location) => Reply {
            status: "301 Moved Permanently",
            header: ("Location", location),
            body: (&b""[..]).into(),
        },
        Resolved::NotFound => Reply {
            status: "404 Not Found",
            header: ("Content-Type", HTML.into()),
            body: site.get("404.html").map(http::inject_live_reload).unwrap_or_default().into(),
        },
        Resolved::Refused => Reply {
            status: "403 Forbidden",
            header: ("Content-Type", "text/plain".into()),
            body: (&b"Refused: outside the site.\n"[..]).into(),
        },
    }
}

/// Keeps a server-sent events stream open; starts with the current problems.
fn stream_events(mut stream: TcpStream, state: &ServerState) {
    use std::io::Write;
    let (sender, receiver): (Sender<String>, Receiver<String>) = mpsc::channel();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 500\n\n";
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    if let Some(problems) = state.problems.read().ok().and_then(|p| p.clone()) {
        let data = serde_json::to_string(&problems).unwrap_or_else(|_| "[]".into());
        let _ = stream.write_all(format!("event: problems\ndata: {data}\n\n").as_bytes());
    }
    if let Ok(mut listeners) = state.listeners.lock() {
        listeners.push(sender);
    }
    loop {
        let message = match receiver.recv_timeout(Duration::from_secs(15)) {
            Ok(message) => message,
            // A comment line keeps idle connections (and proxies) alive and
            // finds closed ones.
            Err(mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(mpsc::RecvTimeoutError::Disconnected) => return,
        };
        if stream.write_all(message.as_bytes()).and_then(|()| stream.flush()).is_err() {
            return;
        }
    }
}
