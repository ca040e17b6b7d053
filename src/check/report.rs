//! What `carebook check` found, and its two printed forms: text lines for
//! people (`path:line:col: severity: message`) and one JSON object for
//! other programs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::check::links::{ExternalLink, LinkStatus};
use crate::diagnostic::{Diagnostic, Severity, grouped_text};

/// How to print the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ReportFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON object, for other programs.
    Json,
}

/// Everything one check found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// Sorted by path and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Sorted by path and position; with a status when they were visited.
    pub external_links: Vec<(ExternalLink, Option<LinkStatus>)>,
    /// Every page checked, by path.
    pub pages: Vec<PageGrade>,
}

/// A page's reading level.
#[derive(Debug, Clone, PartialEq)]
pub struct PageGrade {
    pub path: PathBuf,
    /// Flesch-Kincaid grade, one decimal; `None` for a page without prose.
    pub grade: Option<f64>,
}

impl CheckReport {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// `verbose`: every warning on its own line, none grouped (text only).
    pub fn render(&self, format: ReportFormat, verbose: bool) -> String {
        match format {
            ReportFormat::Text => self.to_text(verbose),
            ReportFormat::Json => self.to_json(),
        }
    }

    /// Problems first (a warning repeated in many places once, unless
    /// `verbose`), then the links to other websites, then a summary.
    pub fn to_text(&self, verbose: bool) -> String {
        let mut text = String::new();
        for entry in grouped_text(&self.diagnostics, verbose) {
            let _ = writeln!(text, "{entry}");
        }
        for (link, status) in &self.external_links {
            let outcome = match status {
                Some(LinkStatus::Ok(code)) => format!(" (answered {code})"),
                _ => String::new(),
            };
            let _ = writeln!(
                text,
                "{}:{}:{}: info: links to {}{outcome}",
                link.path.display(),
                link.position.line,
                link.position.column,
                link.url
            );
        }
        let unvisited = self.external_links.iter().filter(|(_, s)| s.is_none()).count();
        if unvisited > 0 {
            let _ = writeln!(
                text,
                "{} to other websites listed above {} not visited; `carebook check --external` visits them",
                plural(unvisited, "link"),
                if unvisited == 1 { "was" } else { "were" }
            );
        }
        let _ = writeln!(
            text,
            "checked {}: {}, {}",
            plural(self.pages.len(), "page"),
            plural(self.errors(), "error"),
            plural(self.warnings(), "warning")
        );
        text
    }

    /// `{ diagnostics, external_links, pages, errors, warnings }`.
    pub fn to_json(&self) -> String {
        let report = JsonReport {
            diagnostics: self.diagnostics.iter().map(JsonDiagnostic::from).collect(),
            external_links: self.external_links.iter().map(JsonLink::from).collect(),
            pages: self
                .pages
                .iter()
                .map(|p| JsonPage { path: slash_path(&p.path), grade: p.grade })
                .collect(),
            errors: self.errors(),
            warnings: self.warnings(),
        };
        let mut json = serde_json::to_string_pretty(&report).unwrap_or_default();
        json.push('\n');
        json
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

/// A path with `/` separators on every system.
fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    external_links: Vec<JsonLink<'a>>,
    pages: Vec<JsonPage>,
    errors: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    path: String,
    line: usize,
    column: usize,
    message: &'a str,
    hint: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for JsonDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        JsonDiagnostic {
            severity: d.severity,
            path: slash_path(&d.path),
            line: d.position.line,
            column: d.position.column,
            message: &d.message,
            hint: d.hint.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct JsonLink<'a> {
    url: &'a str,
    path: String,
    line: usize,
    column: usize,
    /// Whether `--external` visited it.
    visited: bool,
    /// The HTTP status, when the website answered.
    status: Option<u16>,
    /// Why it failed, when it did.
    problem: Option<String>,
}

impl<'a> From<&'a (ExternalLink, Option<LinkStatus>)> for JsonLink<'a> {
    fn from((link, status): &'a (ExternalLink, Option<LinkStatus>)) -> Self {
        let (status, problem) = match status {
            None => (None, None),
            Some(LinkStatus::Ok(code)) => (Some(*code), None),
            Some(LinkStatus::Broken(code, reason)) => {
                (Some(*code), Some(format!("{code} {reason}").trim_end().to_string()))
            }
            Some(LinkStatus::Unreachable(why)) => (None, Some(why.clone())),
        };
        JsonLink {
            url: &link.url,
            path: slash_path(&link.path),
            line: link.position.line,
            column: link.position.column,
            visited: problem.is_some() || status.is_some(),
            status,
            problem,
        }
    }
}

#[derive(Serialize)]
struct JsonPage {
    path: String,
    grade: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Position;

    fn report() -> CheckReport {
        CheckReport {
            diagnostics: vec![
                Diagnostic::error(
                    "content/a.md",
                    Position::new(3, 1),
                    "this image has no alt text",
                )
                .with_hint("describe it"),
                Diagnostic::warning(
                    "content/b.md",
                    Position::start(),
                    "reading level is grade 9.4",
                ),
            ],
            external_links: vec![(
                ExternalLink {
                    path: "content/a.md".into(),
                    position: Position::new(5, 2),
                    url: "https://x.org".into(),
                },
                None,
            )],
            pages: vec![
                PageGrade { path: "content/a.md".into(), grade: Some(5.2) },
                PageGrade { path: "content/b.md".into(), grade: Some(9.4) },
            ],
        }
    }

    #[test]
    fn text_lists_problems_links_and_a_summary() {
        assert_eq!(
            report().to_text(false),
            "content/a.md:3:1: error: this image has no alt text\n  hint: describe it\n\
             content/b.md:1:1: warning: reading level is grade 9.4\n\
             content/a.md:5:2: info: links to https://x.org\n\
             1 link to other websites listed above was not visited; `carebook check --external` visits them\n\
             checked 2 pages: 1 error, 1 warning\n"
        );
    }

    #[test]
    fn json_has_every_part_and_the_counts() {
        let json: serde_json::Value = serde_json::from_str(&report().to_json()).unwrap();
        assert_eq!(json["errors"], 1);
        assert_eq!(json["warnings"], 1);
        assert_eq!(json["diagnostics"][0]["severity"], "error");
        assert_eq!(json["diagnostics"][0]["line"], 3);
        assert_eq!(json["diagnostics"][1]["hint"], serde_json::Value::Null);
        assert_eq!(json["external_links"][0]["url"], "https://x.org");
        assert_eq!(json["external_links"][0]["visited"], false);
        assert_eq!(json["pages"][1]["grade"], 9.4);
    }
}
