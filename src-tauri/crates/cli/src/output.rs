//! Printing: JSON for scripts, aligned columns and wrapped prose for people.
//!
//! Colour only when stdout is a terminal and `NO_COLOR` is unset, and only on short status
//! words, so piped output is plain text and columns stay aligned (padding is applied before
//! the escape codes).

use std::io::IsTerminal;

use serde::Serialize;

/// Print a value as pretty JSON on stdout (one document per command).
pub fn json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{s}"),
        // Our own types always serialize; say so rather than print half a document.
        Err(e) => eprintln!("wixdrop: could not encode the result as JSON: {e}"),
    }
}

fn colour_enabled() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Green or red, when colour is on.
pub fn good_bad(text: &str, good: bool) -> String {
    if colour_enabled() {
        let code = if good { "32" } else { "31" };
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// Rows of cells in columns padded to the widest cell (two spaces apart, no trailing blanks).
/// `status_col`: a column whose cells are coloured by `good(row)` after padding.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    marks: Vec<Option<bool>>,
    status_col: Option<usize>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
            marks: Vec::new(),
            status_col: None,
        }
    }

    pub fn status_column(mut self, col: usize) -> Table {
        self.status_col = Some(col);
        self
    }

    /// `good`: colours the status column green (true) or red (false); `None` leaves it plain.
    pub fn row(&mut self, cells: Vec<String>, good: Option<bool>) {
        self.rows.push(cells);
        self.marks.push(good);
    }

    pub fn render(&self, indent: &str) -> String {
        let cols = self.header.len();
        let width = |c: usize| {
            std::iter::once(&self.header)
                .chain(&self.rows)
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..cols).map(width).collect();
        let mut out = String::new();
        let line = |cells: &[String], mark: Option<bool>, out: &mut String| {
            let mut l = String::from(indent);
            for (c, w) in widths.iter().enumerate() {
                let cell = cells.get(c).map(String::as_str).unwrap_or("");
                let last = c + 1 == cols;
                let padded = if last {
                    cell.to_string()
                } else {
                    format!("{cell:<w$}  ")
                };
                match (mark, self.status_col) {
                    (Some(good), Some(sc)) if sc == c => {
                        let pad = padded.len() - cell.len();
                        l.push_str(&good_bad(cell, good));
                        l.push_str(&" ".repeat(pad));
                    }
                    _ => l.push_str(&padded),
                }
            }
            out.push_str(l.trim_end());
            out.push('\n');
        };
        line(&self.header, None, &mut out);
        for (r, m) in self.rows.iter().zip(&self.marks) {
            line(r, *m, &mut out);
        }
        out
    }
}

/// Wrap prose at `width` columns, each line after the first starting with `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    wrap_after(text, width, indent, 0)
}

/// [`wrap`] for text that starts `start` columns into a line (after a label).
pub fn wrap_after(text: &str, width: usize, indent: &str, start: usize) -> String {
    let mut out = String::new();
    let mut line = start;
    let mut fresh = true;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if !fresh && line + 1 + len > width {
            out.push('\n');
            out.push_str(indent);
            line = indent.chars().count();
        } else if !fresh {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += len;
        fresh = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_width() {
        assert_eq!(wrap("aaa bbb ccc ddd", 7, ""), "aaa bbb\nccc ddd");
        assert_eq!(wrap("aaa bbb ccc", 8, "  "), "aaa bbb\n  ccc");
        assert_eq!(wrap_after("aaa bbb ccc", 10, "  ", 4), "aaa\n  bbb ccc");
    }

    #[test]
    fn columns_are_aligned_without_trailing_blanks() {
        let mut t = Table::new(&["NAME", "SITES", "LAST CHECK"]).status_column(2);
        t.row(
            vec!["studio".into(), "3".into(), "works".into()],
            Some(true),
        );
        t.row(vec!["a".into(), "".into(), "".into()], None);
        // Not a terminal under `cargo test`: no escape codes.
        assert_eq!(
            t.render(""),
            "NAME    SITES  LAST CHECK\nstudio  3      works\na\n"
        );
    }
}
