//! Inputs that once crashed a fuzz target (`fuzz/`, scripts/fuzz.sh), replayed
//! through the same entry points (src/fuzzing.rs) on every `cargo test`.
//! Each file in `tests/fuzz_regressions/<target>/` is one input; the test
//! fails if any of them panics again, and if a target's folder replays no
//! input at all (every target has a few seeds from its corpus, so a missing
//! or emptied folder is noticed).

use std::path::Path;

#[test]
fn crashing_fuzz_inputs_no_longer_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut failures = Vec::new();
    let mut replayed = Vec::new();
    for (target, run) in carebook::fuzzing::TARGETS {
        let mut count = 0;
        let mut paths: Vec<_> = match std::fs::read_dir(root.join(target)) {
            Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        };
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).unwrap();
            // libFuzzer hands the targets bytes; they skip what is not UTF-8.
            let Ok(text) = std::str::from_utf8(&bytes) else { continue };
            count += 1;
            if std::panic::catch_unwind(|| run(text)).is_err() {
                failures.push(path.display().to_string());
            }
        }
        replayed.push((*target, count));
    }
    assert!(failures.is_empty(), "these fuzz inputs panic again: {failures:#?}");
    let empty: Vec<_> = replayed.iter().filter(|(_, count)| *count == 0).map(|(t, _)| *t).collect();
    assert!(
        empty.is_empty(),
        "no UTF-8 input replayed for {empty:?}: tests/fuzz_regressions/<target>/ needs at least one"
    );
    eprintln!("replayed fuzz regression inputs: {replayed:?}");
}

#[test]
fn every_regression_folder_is_a_fuzz_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let targets: Vec<&str> = carebook::fuzzing::TARGETS.iter().map(|(name, _)| *name).collect();
    for entry in std::fs::read_dir(&root).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(targets.contains(&name.as_str()), "tests/fuzz_regressions/{name} is no target");
        }
    }
}
