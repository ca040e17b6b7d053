//! `SiteTest`: a fixture site copied into a temporary folder, built with the
//! real binary.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies `from` into `to`, recursively.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(from).unwrap();
        let target = to.join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The outcome of running the binary.
pub struct Run {
    pub success: bool,
    pub code: Option<i32>,
    pub stderr: String,
}

/// A site in a temporary folder.
pub struct SiteTest {
    pub dir: tempfile::TempDir,
}

impl SiteTest {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Self {
        let test = SiteTest { dir: tempfile::tempdir().unwrap() };
        copy_tree(&fixtures().join(name), test.root());
        test
    }

    /// The base fixture with `tests/fixtures/invalid/<case>` laid over it.
    pub fn invalid(case: &str) -> Self {
        let test = SiteTest::fixture("base");
        copy_tree(&fixtures().join("invalid").join(case), test.root());
        if test.root().join(".remove-home").exists() {
            fs::remove_file(test.root().join("content/_index.md")).unwrap();
        }
        test
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.root().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    /// Rewrites one of the site's files with `edit`, as an author saving it.
    /// The edit must change the file: an edit that matches nothing is a
    /// mistake in the test, not a no-op.
    #[track_caller]
    pub fn change_file(&self, relative: &str, edit: impl FnOnce(&str) -> String) {
        let path = self.root().join(relative);
        let text = fs::read_to_string(&path).unwrap_or_else(|_| panic!("no {relative}"));
        let changed = edit(&text);
        assert_ne!(changed, text, "the edit left {relative} as it was");
        fs::write(path, changed).unwrap();
    }

    /// Runs `carebook <args>` in the site's folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_carebook"))
            .args(args)
            .current_dir(self.root())
            .output()
            .unwrap();
        Run {
            success: output.status.success(),
            code: output.status.code(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `carebook <args>`, killed and failed if it runs longer than
    /// `seconds` (for inputs that once made carebook spin for ever). Its
    /// stdout (where `check` writes its report) follows stderr in `stderr`.
    pub fn run_within(&self, args: &[&str], seconds: u64) -> Run {
        let mut child = Command::new(env!("CARGO_BIN_EXE_carebook"))
            .args(args)
            .current_dir(self.root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed().as_secs() >= seconds {
                child.kill().unwrap();
                child.wait().unwrap();
                panic!("carebook {args:?} still running after {seconds} s");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let output = child.wait_with_output().unwrap();
        let mut text = String::from_utf8_lossy(&output.stderr).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stdout));
        Run { success: output.status.success(), code: output.status.code(), stderr: text }
    }

    /// `carebook build` into `public/`.
    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// A built file as text; panics with the list of files if missing.
    pub fn read_output(&self, relative: &str) -> String {
        let path = self.public().join(relative);
        fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!("no {relative}; output has {:?}", tree(&self.public()).keys())
        })
    }

    /// The `<main>` region of a built page.
    pub fn main_of(&self, relative: &str) -> String {
        let html = self.read_output(relative);
        let start = html.find("<main").expect("page has <main>");
        let end = html.find("</main>").map_or(html.len(), |e| e + "</main>".len());
        html[start..end].to_string()
    }
}

/// Every file under `dir` with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let relative =
                entry.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            files.insert(relative, fs::read(entry.path()).unwrap());
        }
    }
    files
}
