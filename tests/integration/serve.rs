//! `carebook serve`: pages come from memory, edits reload open pages, broken
//! edits show the problems while the last good build stays up, and paths
//! outside the site are refused.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::SiteTest;

/// A running `carebook serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start(site: &SiteTest) -> Server {
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_carebook"))
        .args(["serve", "--port", &port.to_string()])
        .current_dir(site.root())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (ready_tx, ready_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.starts_with("Serving the site") {
                let _ = ready_tx.send(());
            }
        }
    });
    ready_rx.recv_timeout(Duration::from_mins(1)).expect("serve did not start");
    Server { child, port }
}

/// GET `path` (sent exactly as given); returns the status line and body.
fn get(port: u16, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.lines().next().unwrap_or_default().to_string();
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// Reads server-sent events on a background thread.
fn events(port: u16) -> mpsc::Receiver<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET /__carebook/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    // The stream is open once its headers arrive.
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if rx.recv_timeout(Duration::from_secs(1)).is_ok_and(|l| l.starts_with("retry")) {
            break;
        }
    }
    rx
}

/// Waits for `event: <name>` and returns its data line.
fn wait_for_event(rx: &mpsc::Receiver<String>, name: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen_event = false;
    while Instant::now() < deadline {
        let Ok(line) = rx.recv_timeout(Duration::from_secs(1)) else { continue };
        if line == format!("event: {name}") {
            seen_event = true;
        } else if seen_event && line.starts_with("data: ") {
            return line["data: ".len()..].to_string();
        }
    }
    panic!("no {name} event within 30 s (seen_event: {seen_event})");
}

/// Waits for reloads until `path` answers with a body that passes `check`:
/// one save can give more than one rebuild (a new folder, then its file).
fn wait_for_page(
    rx: &mpsc::Receiver<String>,
    port: u16,
    path: &str,
    check: impl Fn(&str, &str) -> bool,
) {
    for _ in 0..3 {
        wait_for_event(rx, "reload");
        let (status, body) = get(port, path);
        if check(&status, &body) {
            return;
        }
    }
    let (status, body) = get(port, path);
    panic!("{path} never changed as expected: {status}\n{body}");
}

#[test]
fn serves_pages_from_memory_with_live_reload_injected() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let (status, body) = get(server.port, "/prepare/gather/");
    assert!(status.contains("200"), "{status}");
    assert!(body.contains("What to gather"));
    assert!(body.contains("data-serve=true") && body.contains("/__carebook/live.js"), "{body}");
    assert!(get(server.port, "/prepare/gather").0.contains("301"));
    assert!(get(server.port, "/no/such/page/").0.contains("404"));
    assert!(get(server.port, "/__carebook/live.js").1.contains("EventSource"));
    // A preview never installs the offline copy, which could hide later edits.
    assert!(get(server.port, "/sw.js").0.contains("404"));
    assert!(get(server.port, "/manifest.webmanifest").0.contains("200"));
    assert!(!site.public().exists(), "serve must not write public/");
}

#[test]
fn an_edit_reloads_open_pages_with_the_new_content() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let rx = events(server.port);
    site.change_file("content/prepare/first.md", |text| {
        text.replace("Read \"this\"", "Read the new words")
    });
    wait_for_event(&rx, "reload");
    assert!(get(server.port, "/prepare/start-here/").1.contains("Read the new words"));
}

#[test]
fn the_search_index_is_served_and_follows_edits() {
    // A preview builds the index when it is first fetched, from the pages
    // of the build being served.
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let rx = events(server.port);
    // The list, then every term part it names, as search.js would fetch them.
    let terms = |port| -> String {
        let (status, list) = get(port, "/search-index.json");
        assert!(status.contains("200"), "{status}");
        assert!(list.starts_with("{\"v\":2,"), "{list}");
        let list: serde_json::Value = serde_json::from_str(&list).unwrap();
        list["terms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| {
                let (status, part) = get(port, &format!("/{}", entry[2].as_str().unwrap()));
                assert!(status.contains("200"), "{status}");
                part
            })
            .collect()
    };
    assert!(!terms(server.port).contains("zebracrossing"));
    site.change_file("content/prepare/first.md", |text| format!("{text}\nA zebracrossing word.\n"));
    wait_for_event(&rx, "reload");
    assert!(terms(server.port).contains("zebracrossing"));
    assert!(get(server.port, "/search-index/nothing.json").0.contains("404"));
}

#[test]
fn added_and_deleted_pages_and_template_edits_show_up() {
    // serve re-reads only the changed files after a page edit; each kind of
    // change must still give the site a full build would.
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let rx = events(server.port);
    let added = site.root().join("content/prepare/added.md");
    std::fs::write(
        &added,
        "+++\ntitle = \"A page added while serving\"\ndescription = \"New.\"\n+++\nHello.\n",
    )
    .unwrap();
    wait_for_page(&rx, server.port, "/prepare/added/", |status, _| status.contains("200"));
    assert!(get(server.port, "/prepare/").1.contains("A page added while serving"));

    std::fs::remove_file(&added).unwrap();
    wait_for_page(&rx, server.port, "/prepare/added/", |status, _| status.contains("404"));
    assert!(!get(server.port, "/prepare/").1.contains("A page added while serving"));

    // templates/ does not exist yet: serve must start watching it.
    let templates = site.root().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let theme_404 = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/404.html"),
    )
    .unwrap();
    let marker = "<p>Nothing lives at this address.</p>";
    let template = templates.join("404.html");
    std::fs::write(&template, theme_404.replace("</h1>", &format!("</h1>{marker}"))).unwrap();
    wait_for_page(&rx, server.port, "/no-such-page/", |_, body| body.contains(marker));
    // Later edits inside the new folder are seen too.
    std::fs::write(&template, theme_404.replace("</h1>", "</h1><p>Edited again.</p>")).unwrap();
    wait_for_page(&rx, server.port, "/no-such-page/", |_, body| body.contains("Edited again."));
}

#[test]
fn a_broken_edit_shows_problems_and_keeps_the_last_good_site() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let rx = events(server.port);
    let page = site.root().join("content/prepare/gather.md");
    std::fs::write(&page, "+++\ntitle = \"What to gather\"\nweight = \n+++\n").unwrap();
    let problems = wait_for_event(&rx, "problems");
    assert!(problems.contains("\"path\":\"content/prepare/gather.md\""), "{problems}");
    assert!(problems.contains("\"line\":3"), "{problems}");
    let (status, body) = get(server.port, "/prepare/gather/");
    assert!(status.contains("200") && body.contains("A blanket"), "the last good page is gone");
    // A page opened later learns about the problems as soon as it connects.
    let late = events(server.port);
    assert!(wait_for_event(&late, "problems").contains("gather.md"));
    // The home page links to #the-list, so the fixed page keeps that heading.
    std::fs::write(&page, "+++\ntitle = \"Fixed\"\ndescription = \"Fixed.\"\n+++\n\n## The list\n")
        .unwrap();
    wait_for_event(&rx, "reload");
    assert!(get(server.port, "/prepare/gather/").1.contains("Fixed"));
}

#[test]
fn paths_outside_the_site_are_refused() {
    let site = SiteTest::fixture("basic");
    std::fs::write(site.root().join("secret.txt"), "do not serve").unwrap();
    let server = start(&site);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/prepare/%2E%2E/%2E%2E/secret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/..%2fsecret.txt",
        "/prepare%2f..%2f..%2fsecret.txt",
        "/%2E%2e%2Fsecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/prepare/..%252f..%252fsecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/.%2e/secret.txt",
        "/./../secret.txt",
        "/secret.txt%00.html",
        "//../secret.txt",
        "/site.toml",
        "/content/prepare/gather.md",
    ] {
        let (status, body) = get(server.port, path);
        assert!(status.contains("403") || status.contains("404"), "{path}: {status}");
        assert!(
            !body.contains("do not serve") && !body.contains("base_url"),
            "{path} leaked a file"
        );
    }
    assert!(get(server.port, "/%2e%2e/secret.txt").0.contains("403"));
}

#[test]
fn listens_on_loopback_only_by_default() {
    let site = SiteTest::fixture("basic");
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_carebook"))
        .args(["serve", "--port", &port.to_string()])
        .current_dir(site.root())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let serving = lines.find_map(|line| line.ok().filter(|l| l.starts_with("Serving the site")));
    let _server = Server { child, port };
    let serving = serving.expect("serve did not start");
    assert!(serving.contains(&format!("http://127.0.0.1:{port}/")), "{serving}");
    // Another address of this machine (the one it would use to reach the
    // outside; UDP connect sends nothing) must not answer.
    let outside = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|socket| socket.connect("192.0.2.1:9").map(|()| socket))
        .and_then(|socket| socket.local_addr());
    let address =
        outside.ok().map(|a| a.ip()).filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
    if let Some(address) = address {
        let reached = TcpStream::connect_timeout(&(address, port).into(), Duration::from_secs(2));
        assert!(reached.is_err(), "serve answered on {address}");
    }
}

#[test]
fn responses_carry_the_security_headers() {
    let site = SiteTest::fixture("basic");
    let server = start(&site);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(stream, "GET /prepare/gather/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let head = response.split("\r\n\r\n").next().unwrap_or_default();
    let csp = carebook::render::headers::header_content_security_policy();
    assert!(head.contains(&format!("Content-Security-Policy: {csp}\r\n")), "{head}");
    assert!(head.contains("Referrer-Policy: no-referrer"), "{head}");
    assert!(head.contains("X-Content-Type-Options: nosniff"), "{head}");
    // The live-reload script is a file of the same origin, which the policy allows.
    assert!(response.contains("<script src=/__carebook/live.js defer></script>"));
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let site = SiteTest::fixture("basic");
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = site.run(&["serve", "--port", &port]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("could not listen on 127.0.0.1:"), "{}", run.stderr);
    assert!(run.stderr.contains("choose another with --port"), "{}", run.stderr);
}

/// issue #15: `serve --root` on a folder that is missing, or holds no site,
/// says so as `build` does, instead of printing a raw OS error or serving
/// nothing.
#[test]
fn a_missing_site_is_the_message_build_gives() {
    let site = SiteTest { dir: tempfile::tempdir().unwrap() };
    for root in ["no-such-folder", "."] {
        let run = site.run_within(&["serve", "--root", root, "--port", "0"], 20);
        assert_eq!(run.code, Some(1), "{root}: {}", run.stderr);
        let built = site.run(&["build", "--root", root]);
        assert!(run.stderr.contains("error: no site.toml in "), "{root}: {}", run.stderr);
        assert!(run.stderr.contains("carebook init"), "{root}: {}", run.stderr);
        assert!(!run.stderr.contains("os error"), "{root}: {}", run.stderr);
        assert_eq!(run.stderr, built.stderr, "{root}: serve and build disagree");
    }
}
