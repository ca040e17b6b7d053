//! The review rule: a page's `reviewed` date must be recent (within
//! `review_every_months`), and present when `require_reviewed` is set.
//!
//! Today's date comes from the system clock in UTC, converted without a
//! date crate (Howard Hinnant's `civil_from_days`), or from the
//! `CAREBOOK_TODAY` environment variable (`2026-11-25`), so tests and
//! reviews of old builds can pick the day.

use std::fmt;

use crate::content::frontmatter::ParsedDoc;
use crate::diagnostic::{Diagnostic, Position};
use crate::source::config::CheckSettings;

/// The environment variable that replaces today's date.
pub const TODAY_VARIABLE: &str = "CAREBOOK_TODAY";

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Reads `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        let date =
            Date { year: year.parse().ok()?, month: month.parse().ok()?, day: day.parse().ok()? };
        let valid = (1..=12).contains(&date.month)
            && (1..=days_in_month(date.year, date.month)).contains(&date.day);
        valid.then_some(date)
    }

    /// The same day `months` later, or the month's last day if it is shorter
    /// (2025-01-31 plus one month is 2025-02-28).
    pub fn add_months(self, months: u32) -> Date {
        let index = self.year * 12 + i64::from(self.month) - 1 + i64::from(months);
        let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
        Date { year, month, day: self.day.min(days_in_month(year, month)) }
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant,
    /// "chrono-Compatible Low-Level Date Algorithms", `civil_from_days`).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097); // day of era, [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year from March 1
        let mp = (5 * doy + 2) / 153; // month from March, [0, 11]
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Today in UTC, or `CAREBOOK_TODAY` when set; the error names the bad value.
pub fn today() -> Result<Date, String> {
    if let Ok(value) = std::env::var(TODAY_VARIABLE) {
        return Date::parse(&value).ok_or(value);
    }
    let seconds = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(elapsed) => elapsed.as_secs() as i64,
        Err(before) => -(before.duration().as_secs() as i64),
    };
    Ok(Date::from_days_since_epoch(seconds.div_euclid(86_400)))
}

/// The review warning for one document, if any. `source` is the file's
/// text, to point at the `reviewed` line.
pub fn check_review(
    doc: &ParsedDoc,
    source: &str,
    today: Date,
    settings: &CheckSettings,
) -> Option<Diagnostic> {
    let Some(reviewed) = doc.meta.reviewed.as_deref().and_then(Date::parse) else {
        return settings.require_reviewed.then(|| {
            Diagnostic::warning(&doc.display_path, Position::start(), "this page has no reviewed date")
                .with_hint(format!("once a clinician has checked this page, add reviewed = {today} between the +++ lines"))
        });
    };
    let position = reviewed_position(source).unwrap_or_else(Position::start);
    let months = settings.review_every_months;
    if reviewed > today {
        return Some(
            Diagnostic::warning(
                &doc.display_path,
                position,
                format!("the reviewed date {reviewed} is in the future"),
            )
            .with_hint(format!(
                "write the date of the last clinical review, e.g. reviewed = {today}"
            )),
        );
    }
    (today > reviewed.add_months(months)).then(|| {
        let period = if months == 1 { "1 month".to_string() } else { format!("{months} months") };
        Diagnostic::warning(
            &doc.display_path,
            position,
            format!("last reviewed on {reviewed}, more than {period} ago"),
        )
        .with_hint(format!(
            "ask a clinician to check this page is still right, then set reviewed = {today}"
        ))
    })
}

/// Where the `reviewed = ...` value sits in the file's front matter.
fn reviewed_position(source: &str) -> Option<Position> {
    let front_matter =
        source.lines().enumerate().skip(1).take_while(|(_, l)| l.trim_end() != "+++");
    for (index, line) in front_matter {
        let Some(rest) = line.trim_start().strip_prefix("reviewed") else { continue };
        let Some(value) = rest.trim_start().strip_prefix('=') else { continue };
        let value_start = line.len() - value.trim_start().len();
        return Some(Position::new(index + 1, line[..value_start].chars().count() + 1));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter::CommonMeta;

    fn date(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn days_since_epoch_become_dates() {
        assert_eq!(Date::from_days_since_epoch(0), date("1970-01-01"));
        assert_eq!(Date::from_days_since_epoch(-1), date("1969-12-31"));
        assert_eq!(Date::from_days_since_epoch(11_016), date("2000-02-29"));
        assert_eq!(Date::from_days_since_epoch(19_723), date("2024-01-01"));
        assert_eq!(Date::from_days_since_epoch(20_782), date("2026-11-25"));
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(date("2026-11-25").to_string(), "2026-11-25");
        for bad in ["2026-13-01", "2026-02-29", "26-11-25", "2026-11-25x", "today"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2024-02-29").is_some());
    }

    #[test]
    fn months_are_added_with_short_months_clamped() {
        assert_eq!(date("2025-01-31").add_months(1), date("2025-02-28"));
        assert_eq!(date("2025-11-10").add_months(12), date("2026-11-10"));
        assert_eq!(date("2025-11-10").add_months(3), date("2026-02-10"));
    }

    fn doc(reviewed: Option<&str>) -> ParsedDoc {
        ParsedDoc {
            meta: CommonMeta { reviewed: reviewed.map(String::from), ..CommonMeta::default() },
            ..ParsedDoc::page("a.md", "")
        }
    }

    const SOURCE: &str = "+++\ntitle = \"A\"\nreviewed = 2025-01-10\n+++\n";

    #[test]
    fn old_reviews_warn_at_the_reviewed_line() {
        let settings = CheckSettings::default();
        let warning =
            check_review(&doc(Some("2025-01-10")), SOURCE, date("2026-11-25"), &settings).unwrap();
        assert_eq!(warning.message, "last reviewed on 2025-01-10, more than 12 months ago");
        assert_eq!(warning.position, Position::new(3, 12));
        assert!(
            check_review(&doc(Some("2025-01-10")), SOURCE, date("2026-01-10"), &settings).is_none()
        );
        assert!(
            check_review(&doc(Some("2025-01-10")), SOURCE, date("2026-01-11"), &settings).is_some()
        );
    }

    #[test]
    fn missing_reviews_warn_only_when_required() {
        let mut settings = CheckSettings::default();
        assert!(check_review(&doc(None), "", date("2026-11-25"), &settings).is_none());
        settings.require_reviewed = true;
        let warning = check_review(&doc(None), "", date("2026-11-25"), &settings).unwrap();
        assert_eq!(warning.message, "this page has no reviewed date");
        assert_eq!(warning.position, Position::start());
    }

    #[test]
    fn future_reviews_warn() {
        let warning = check_review(
            &doc(Some("2062-01-10")),
            SOURCE,
            date("2026-11-25"),
            &CheckSettings::default(),
        );
        assert!(warning.unwrap().message.contains("in the future"));
    }
}
