//! `carebook init <dir>`: writes a small site that builds as it is, for a
//! clinic to start from. The default theme is built into carebook, so the
//! new site has no theme folder to maintain.

use std::fs;
use std::path::Path;

use crate::check::review::{TODAY_VARIABLE, today};
use crate::config::CONFIG_FILE;
use crate::error::BuildError;

/// The files of a new site: (path, contents).
const STARTER_FILES: &[(&str, &str)] = &[
    (
        CONFIG_FILE,
        r##"# Settings for your guide. After a change, run `carebook build` again.
title = "Our patient guide"
description = "Plain-language help for our patients, before and after treatment."
# The address where the site will be published.
base_url = "https://guide.example.org"
default_language = "en"
theme = "default"

[clinic]
name = "Our Clinic"
phone = "+1 555 0100"
address = "1 Main Street, Springfield"
# logo = "logo.svg"          # put the file in static/

[clinic.colors]
primary = "#1d5c7a"
accent = "#9a4a0c"

[safety]
title = "If you need help now"
text = "If you feel unsafe, call or text 988 (Suicide and Crisis Lifeline). In an emergency, call 911."
phone = "988"

# What `carebook check` looks for before you publish.
[check]
max_grade = 8              # the highest reading level (US school grade) a page should have
review_every_months = 12   # how long a clinical review stays current
require_reviewed = false   # true: warn about pages with no reviewed date
"##,
    ),
    (
        "content/_index.md",
        r#"+++
title = "Welcome"
description = "Start here: what this guide covers and how to use it."
reviewed = REVIEWED    # the day a clinician last checked this page
+++

This guide helps you get ready for your treatment and look after yourself afterwards.

Start with [getting ready](guide/_index.md).
"#,
    ),
    (
        "content/guide/_index.md",
        r#"+++
title = "Getting ready"
description = "Simple steps to take before your visit."
weight = 10
reviewed = REVIEWED
+++

These pages walk you through the days before your visit.
"#,
    ),
    (
        "content/guide/first-steps.md",
        r#"+++
title = "First steps"
description = "What to do in the week before your visit."
weight = 10
reviewed = REVIEWED
+++

## In the week before

- Read this guide once, slowly.
- Write down any questions for your care team.
- Plan how you will get home after your visit.

## On the day

Eat a light meal, drink water, and wear soft, comfortable clothes.
See [in the week before](#in-the-week-before) if you missed a step.
"#,
    ),
];

/// Stands for today's date in the starter pages' `reviewed` keys, so a new
/// site passes `carebook check` without review warnings.
const REVIEWED: &str = "REVIEWED";

/// Creates a new site in `dir` (created if missing; must hold no site yet).
pub fn init_site(dir: &Path) -> Result<Vec<String>, BuildError> {
    if dir.join(CONFIG_FILE).exists() || dir.join("content").exists() {
        return Err(BuildError::InitTargetNotEmpty { dir: dir.to_path_buf() });
    }
    let today =
        today().map_err(|value| BuildError::InvalidDate { variable: TODAY_VARIABLE, value })?;
    let mut written = Vec::new();
    for (relative, text) in STARTER_FILES {
        let text = text.replace(REVIEWED, &today.to_string());
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|source| BuildError::Write { path: parent.to_path_buf(), source })?;
        }
        fs::write(&path, text)
            .map_err(|source| BuildError::Write { path: path.clone(), source })?;
        written.push((*relative).to_string());
    }
    Ok(written)
}
