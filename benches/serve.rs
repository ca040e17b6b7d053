//! `cargo bench --bench serve`: how long `carebook serve` takes from saving a
//! file to telling open pages to reload, on a generated site.
//!
//! It generates the same synthetic site as `benches/build.rs` (1,000 pages
//! by default), starts the release `carebook serve` on it, listens to the
//! live-reload event stream as a browser would, and then, several times
//! each, saves
//!
//! - one page (a sentence appended: the everyday edit),
//! - a template override in the site's `templates/` (templates compiled again),
//! - `site.toml` (everything read again),
//!
//! timing each from just before the write to the `reload` event arriving.
//! It prints the median, minimum and maximum of each, with the time the
//! server itself reports ("Rebuilt and reloaded in N ms"). The times include
//! the server's 10 ms debounce and the file-system notification.
//!
//! Sizes: `cargo bench --bench serve -- 1000` or `CAREBOOK_BENCH_PAGES`;
//! `CAREBOOK_BENCH_RUNS` (default 15) edits of each kind;
//! `CAREBOOK_BENCH_ONE_LANGUAGE=1` leaves out the example's Spanish (each
//! page is otherwise rendered twice: a 1,000-page site is 2,000 pages). `TMPDIR=/dev/shm`
//! leaves the disk out. Goals live here, never in timed tests.

use std::io::{BufRead, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// The generator of the build benchmark: one synthetic site for both.
#[allow(dead_code)]
#[path = "build.rs"]
mod build_bench;

const CAREBOOK: &str = env!("CARGO_BIN_EXE_carebook");
const DEFAULT_PAGES: usize = 1_000;
const DEFAULT_RUNS: usize = 15;
/// Longest wait for one reload before the benchmark gives up.
const RELOAD_TIMEOUT: Duration = Duration::from_secs(30);

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let pages = std::env::args()
        .skip(1)
        .find_map(|arg| arg.replace('_', "").parse().ok())
        .or_else(|| env_number("CAREBOOK_BENCH_PAGES"))
        .unwrap_or(DEFAULT_PAGES);
    let runs = env_number("CAREBOOK_BENCH_RUNS").unwrap_or(DEFAULT_RUNS).max(1);
    let root = std::env::temp_dir().join(format!("carebook-serve-bench-{}", std::process::id()));
    let _cleanup = RemoveOnDrop(root.clone());
    build_bench::generate_site(&root, pages)
        .map_err(|err| format!("generating the site: {err}"))?;
    std::fs::create_dir_all(root.join("templates")).map_err(|e| e.to_string())?;
    // A copy of the theme's own 404 page, so saving it recompiles templates.
    let template = root.join("templates/404.html");
    let theme_template =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/404.html");
    std::fs::copy(theme_template, &template).map_err(|e| e.to_string())?;

    let mut server = Server::start(&root)?;
    println!("carebook serve on {pages} generated pages, {runs} saves of each kind:");
    println!(
        "{:>10} {:>10} {:>10} {:>10} {:>12}",
        "save", "median ms", "min ms", "max ms", "server ms"
    );
    let page = root.join("content/section-1/page-1.md");
    let kinds: [(&str, &Path, &str); 3] = [
        ("page", &page, "\nOne more sentence.\n"),
        ("template", &template, "\n"),
        ("site.toml", &root.join("site.toml"), "\n"),
    ];
    for (name, path, addition) in kinds {
        let mut times = Vec::with_capacity(runs);
        let mut reported = Vec::with_capacity(runs);
        for _ in 0..runs {
            let (elapsed, server_ms) = server.time_save(path, addition)?;
            times.push(elapsed);
            reported.extend(server_ms);
        }
        times.sort();
        reported.sort_unstable();
        let server_median = reported.get(reported.len() / 2).map_or("-".into(), u64::to_string);
        println!(
            "{name:>10} {:>10.0} {:>10.0} {:>10.0} {server_median:>12}",
            ms(times[times.len() / 2]),
            ms(times[0]),
            ms(times[times.len() - 1]),
        );
    }
    Ok(())
}

/// A running `carebook serve` and its live-reload stream.
struct Server {
    child: Child,
    reloads: Receiver<()>,
    log: Receiver<String>,
}

impl Server {
    fn start(root: &Path) -> Result<Server, String> {
        let mut child = Command::new(CAREBOOK)
            .args(["serve", "--port", "0", "--root"])
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot start {CAREBOOK}: {err}"))?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let (log_tx, log) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = log_tx.send(line);
            }
        });
        let address = wait_for_address(&log)?;
        let reloads = listen_for_reloads(&address)?;
        Ok(Server { child, reloads, log })
    }

    /// Appends `addition` to `path`; returns the time until the reload
    /// event and the rebuild time the server printed.
    fn time_save(
        &mut self,
        path: &Path,
        addition: &str,
    ) -> Result<(Duration, Option<u64>), String> {
        while self.log.try_recv().is_ok() {}
        while self.reloads.try_recv().is_ok() {}
        let mut text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
        text.push_str(addition);
        let started = Instant::now();
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        self.reloads.recv_timeout(RELOAD_TIMEOUT).map_err(|_| {
            format!("no reload within {RELOAD_TIMEOUT:?} after saving {}", path.display())
        })?;
        let elapsed = started.elapsed();
        // Let a second event for the same save (some file systems send two)
        // arrive before the next save.
        std::thread::sleep(Duration::from_millis(150));
        let server_ms = self.log.try_iter().find_map(|line| {
            line.strip_prefix("Rebuilt and reloaded in ")?.strip_suffix(" ms")?.parse().ok()
        });
        Ok((elapsed, server_ms))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads the server's log until it says where it serves.
fn wait_for_address(log: &Receiver<String>) -> Result<String, String> {
    let deadline = Instant::now() + Duration::from_mins(5);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let line = log.recv_timeout(left).map_err(|_| "the server stopped before serving")?;
        if let Some(rest) = line.strip_prefix("Serving the site at http://") {
            return Ok(rest.split('/').next().unwrap_or_default().to_string());
        }
    }
    Err("the server did not start within 300 s".into())
}

/// Opens the live-reload stream and reports each `reload` event.
fn listen_for_reloads(address: &str) -> Result<Receiver<()>, String> {
    let mut stream = TcpStream::connect(address).map_err(|e| format!("connecting: {e}"))?;
    let request = format!(
        "GET /__carebook/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        let mut pending = String::new();
        while let Ok(read) = stream.read(&mut buffer) {
            if read == 0 {
                return;
            }
            pending.push_str(&String::from_utf8_lossy(&buffer[..read]));
            while let Some(at) = pending.find("event: reload") {
                pending.drain(..at + "event: reload".len());
                if tx.send(()).is_err() {
                    return;
                }
            }
            // Keep only a tail that could hold the start of a split event name.
            if pending.len() > 64 {
                let mut cut = pending.len() - 32;
                while !pending.is_char_boundary(cut) {
                    cut -= 1;
                }
                pending.drain(..cut);
            }
        }
    });
    Ok(rx)
}

fn env_number(name: &str) -> Option<usize> {
    std::env::var(name).ok()?.replace('_', "").parse().ok()
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
