//! Plain words for the TOML parser's messages (issue #15 item 4, #16 item
//! 11). The parser speaks of `i128`, recursion and "duplicate key" without
//! the key; a clinic's author needs what is wrong on the line and the fix.
//!
//! Pure: takes the parser's message, the TOML text and the byte offset it
//! pointed at; returns the message and hint to show, or `None` to keep the
//! parser's message with the general hint.

/// The message and hint for the parser's `message` at `offset` in `block`,
/// whose first line is line `first_line` of the file.
pub fn explain(
    message: &str,
    block: &str,
    offset: usize,
    first_line: usize,
) -> Option<(String, String)> {
    let line = line_at(block, offset);
    let key = key_of(line);
    let value = value_of(line);
    if message == "duplicate key" {
        return Some(duplicate_key(block, offset, line, first_line));
    }
    if message.starts_with("cannot recurse further") {
        return Some((
            "values are nested too deeply here (lists or tables inside each other)".into(),
            "flatten the value: front matter holds text, numbers, dates and short lists".into(),
        ));
    }
    if message.contains(" as i128") || message.contains(" as u64") {
        let number = message.split('`').nth(1).unwrap_or(value);
        return Some((
            format!("the number {number} is too large"),
            format!(
                "{}whole numbers go from -9223372036854775808 to 9223372036854775807; small ones such as 10, 20, 30 are enough to order pages",
                key.map_or(String::new(), |k| format!("{k} is a whole number, and "))
            ),
        ));
    }
    if message.starts_with("unclosed table") {
        let name = line.trim().trim_start_matches('[').trim_end_matches(']').trim();
        return Some((
            "this table name is not closed: a ] is missing".into(),
            format!("write it as [{name}]"),
        ));
    }
    if let Some(key) = key.filter(|k| DATE_KEYS.contains(k)) {
        return date_problem(message, key, value);
    }
    if message.starts_with("string values must be quoted") {
        let key = key.unwrap_or("title");
        return Some((
            format!("the text of {key} needs quotes"),
            format!("write {key} = \"{}\"", value.trim_matches('"')),
        ));
    }
    wrong_type(message, key?, value)
}

/// Keys whose values are TOML dates.
const DATE_KEYS: &[&str] = &["reviewed", "updated"];

/// `reviewed = "2026-12-02"` (a date in quotes is text) and
/// `reviewed = 02/12/2026` (not a TOML date).
fn date_problem(message: &str, key: &str, value: &str) -> Option<(String, String)> {
    let unquoted = value.trim_matches('"').trim_matches('\'');
    if message.contains("expected a TOML datetime") && unquoted != value {
        let hint = if is_iso_date(unquoted) {
            format!("remove the quotes: {key} = {unquoted}")
        } else {
            format!("remove the quotes and write the date as year-month-day: {key} = 2026-12-02")
        };
        return Some((format!("{key} is a date, and dates are written without quotes"), hint));
    }
    if message.starts_with("string values must be quoted") || message.starts_with("invalid date") {
        return Some((
            format!("{key} = {value} is not a date carebook can read"),
            format!(
                "write the date as year-month-day, without quotes: {}",
                date_suggestion(key, unquoted)
            ),
        ));
    }
    None
}

/// `reviewed = 2026-12-02`, or both readings of `02/12/2026`.
fn date_suggestion(key: &str, written: &str) -> String {
    let parts: Vec<&str> = written.split(['/', '.', '-']).map(str::trim).collect();
    let numbers: Option<Vec<u32>> = parts.iter().map(|p| p.parse().ok()).collect();
    match numbers.as_deref() {
        Some([a, b, year])
            if *year > 999 && (1..=12).contains(a) && (1..=12).contains(b) && a != b =>
        {
            format!(
                "{key} = {year}-{b:02}-{a:02} if {a} is the day, or {key} = {year}-{a:02}-{b:02} if it is the month"
            )
        }
        Some([a, b, year]) if *year > 999 && (1..=12).contains(b) && (1..=31).contains(a) => {
            format!("{key} = {year}-{b:02}-{a:02}")
        }
        Some([a, b, year]) if *year > 999 && (1..=12).contains(a) && (1..=31).contains(b) => {
            format!("{key} = {year}-{a:02}-{b:02}")
        }
        _ => format!("e.g. {key} = 2026-12-02"),
    }
}

fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

/// `weight = "3"`, `draft = "yes"`: serde's "invalid type: string \"3\",
/// expected i64".
fn wrong_type(message: &str, key: &str, value: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("invalid type: ")?;
    let (_, expected) = rest.rsplit_once(", expected ")?;
    let (wanted, example) = match expected {
        "i64" | "u32" | "u64" | "i32" | "an integer" => ("a whole number", "10"),
        "a boolean" | "bool" => ("true or false", "true"),
        "a string" => ("text in quotes", "\"...\""),
        _ => return None,
    };
    let unquoted = value.trim_matches('"');
    let hint = match example {
        "10" if unquoted != value && unquoted.parse::<i64>().is_ok() => {
            format!("remove the quotes: {key} = {unquoted}")
        }
        "true" if unquoted != value && matches!(unquoted, "true" | "false") => {
            format!("remove the quotes: {key} = {unquoted}")
        }
        "\"...\"" => format!("write {key} = \"{unquoted}\""),
        _ => format!("write {key} = {example}"),
    };
    Some((format!("{key} must be {wanted}"), hint))
}

fn duplicate_key(block: &str, offset: usize, line: &str, first_line: usize) -> (String, String) {
    let line_number = block[..offset.min(block.len())].matches('\n').count();
    let is_table = line.trim_start().starts_with('[');
    let name = if is_table {
        line.trim().trim_matches(['[', ']']).trim().to_string()
    } else {
        key_of(line).unwrap_or("?").to_string()
    };
    let earlier = block.lines().take(line_number).position(|other| {
        if is_table {
            other.trim().trim_matches(['[', ']']).trim() == name
                && other.trim_start().starts_with('[')
        } else {
            key_of(other) == Some(name.as_str())
        }
    });
    let first = earlier.map_or(String::new(), |i| format!(" (first on line {})", i + first_line));
    if is_table {
        (
            format!("the table [{name}] appears twice{first}"),
            "keep one [".to_string() + &name + "] and put all its keys under it",
        )
    } else {
        (
            format!("the key `{name}` is set twice{first}"),
            "keep one of the two lines: each key is set once".to_string(),
        )
    }
}

/// The line of `block` that holds byte `offset`.
fn line_at(block: &str, offset: usize) -> &str {
    let mut offset = offset.min(block.len());
    while !block.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = block[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = block[offset..].find('\n').map_or(block.len(), |i| offset + i);
    block[start..end].trim_end_matches('\r')
}

/// `weight` in `weight = 3`.
fn key_of(line: &str) -> Option<&str> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.starts_with('[')).then_some(key)
}

/// `3` in `weight = 3  # comment`.
fn value_of(line: &str) -> &str {
    let value = line.split_once('=').map_or("", |(_, v)| v.trim());
    match value.find(" #") {
        Some(i) if !value.starts_with('"') => value[..i].trim(),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explained(block: &str) -> (String, String) {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Sample {
            title: Option<String>,
            weight: Option<i64>,
            draft: Option<bool>,
            reviewed: Option<toml::value::Datetime>,
            extra: Option<toml::Table>,
        }
        let err = toml::from_str::<Sample>(block).unwrap_err();
        let offset = err.span().map_or(0, |s| s.start);
        explain(err.message(), block, offset, 2)
            .unwrap_or_else(|| panic!("not explained: {}", err.message()))
    }

    #[test]
    fn a_quoted_date_is_told_to_lose_its_quotes() {
        let (message, hint) = explained("reviewed = \"2026-12-02\"\n");
        assert_eq!(message, "reviewed is a date, and dates are written without quotes");
        assert_eq!(hint, "remove the quotes: reviewed = 2026-12-02");
    }

    #[test]
    fn a_date_in_another_format_gets_the_right_one() {
        let (message, hint) = explained("reviewed = 02/12/2026\n");
        assert_eq!(message, "reviewed = 02/12/2026 is not a date carebook can read");
        assert_eq!(
            hint,
            "write the date as year-month-day, without quotes: reviewed = 2026-12-02 if 2 is the day, or reviewed = 2026-02-12 if it is the month"
        );
        let (_, hint) = explained("reviewed = 25/12/2026\n");
        assert!(hint.ends_with("reviewed = 2026-12-25"), "{hint}");
    }

    #[test]
    fn duplicate_keys_and_tables_are_named() {
        let (message, hint) = explained("title = \"A\"\nweight = 1\ntitle = \"B\"\n");
        assert_eq!(message, "the key `title` is set twice (first on line 2)");
        assert_eq!(hint, "keep one of the two lines: each key is set once");
        let (message, _) = explained("[extra]\na = 1\n[extra]\nb = 2\n");
        assert_eq!(message, "the table [extra] appears twice (first on line 2)");
    }

    #[test]
    fn parser_words_become_plain_words() {
        let (message, hint) = explained("weight = 99999999999999999999\n");
        assert_eq!(message, "the number 99999999999999999999 is too large");
        assert!(!hint.contains("quotes"), "{hint}");
        let deep = format!("[extra]\nx = {}{}\n", "[".repeat(200), "]".repeat(200));
        let (message, _) = explained(&deep);
        assert!(message.starts_with("values are nested too deeply"), "{message}");
        let (message, hint) = explained("weight = \"3\"\n");
        assert_eq!(
            (message.as_str(), hint.as_str()),
            ("weight must be a whole number", "remove the quotes: weight = 3")
        );
        let (message, hint) = explained("title = Knee care\n");
        assert_eq!(
            (message.as_str(), hint.as_str()),
            ("the text of title needs quotes", "write title = \"Knee care\"")
        );
        let (message, hint) = explained("[extra\na = 1\n");
        assert_eq!(
            (message.as_str(), hint.as_str()),
            ("this table name is not closed: a ] is missing", "write it as [extra]")
        );
    }
}
