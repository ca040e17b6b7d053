//! Integration tests: build fixture sites with the real `carebook` binary
//! in temporary folders and check the files written and what the user sees
//! on stderr.

mod bad_input;
mod build;
mod check;
mod diagnostics;
mod fuzz_regressions;
mod hostile;
mod i18n;
mod images;
mod new_page;
mod preview_memo;
mod search;
mod security;
mod serve;
mod support;
mod worksheets;
