//! Reading text tables safely: the checks every reader of this workspace shares (the `dti`
//! command's CSV reader, dti-polars' CSV reader), so that a damaged file is an error with its
//! physical line wherever it is read.
//!
//! - [`decode`]: UTF-8 with or without a byte-order mark, UTF-16 with one; anything else is
//!   an error naming the first line that is not UTF-8.
//! - [`sniff_delimiter`]: `,` `;` or tab, the one the header uses most.
//! - [`unterminated_quote`]: the line of a quoted field that never closes (a CSV parser would
//!   swallow the rest of the file into it).
//! - [`header_problems`]: empty or repeated column names.
//!
//! It also holds the readers themselves (feature `tables`): unit records from JSON or a long
//! or wide CSV ([`read_records`], with [`read_wide_numbers`] as the one-pass fast path), the
//! table forms of data ([`Panel`], a data set in columns) and the COINr two-table layout
//! ([`read_tables`] and the pipeline).

pub use crate::text::is_missing;

#[cfg(feature = "tables")]
pub(crate) mod file_problem;
#[cfg(feature = "tables")]
pub(crate) mod frame;
#[cfg(feature = "tables")]
pub(crate) mod header;
pub(crate) mod ids;
#[cfg(feature = "tables")]
pub(crate) mod meta;
pub(crate) mod panel;
#[cfg(feature = "tables")]
pub(crate) mod records;
#[cfg(feature = "tables")]
pub(crate) mod tables;
#[cfg(feature = "tables")]
pub(crate) mod wide;
#[cfg(feature = "tables")]
pub(crate) mod writer;

/// A problem with a file's text, at a physical line (from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    /// The line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for TextError {}

/// Decodes a file's bytes: UTF-8 (a byte-order mark is dropped) or UTF-16 with its
/// byte-order mark; anything else is an error naming the first line that is not UTF-8.
/// UTF-8 text is taken over in place: the file is never held twice.
///
/// ```
/// use dti_core::io::decode;
/// assert_eq!(decode(b"\xEF\xBB\xBFunit\n".to_vec())?, "unit\n");
/// assert_eq!(decode(vec![0xFF, 0xFE, b'a', 0, b'\n', 0])?, "a\n");
/// assert_eq!(decode(b"ok\nb\xE9d\n".to_vec()).unwrap_err().line, 2);
/// # Ok::<(), dti_core::io::TextError>(())
/// ```
pub fn decode(mut bytes: Vec<u8>) -> Result<String, TextError> {
    let fail = |line: usize, message: &str| TextError {
        line,
        message: message.to_owned(),
    };
    let utf16 = |body: &[u8], le: bool| -> Result<String, TextError> {
        if body.len() % 2 != 0 {
            return Err(fail(1, "UTF-16 text with an odd number of bytes"));
        }
        let units = body.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        let mut out = String::with_capacity(body.len() / 2);
        let mut line = 1;
        for ch in char::decode_utf16(units) {
            match ch {
                Ok(c) => {
                    line += usize::from(c == '\n');
                    out.push(c);
                }
                Err(_) => return Err(fail(line, "not valid UTF-16 (an unpaired surrogate)")),
            }
        }
        Ok(out)
    };
    match bytes[..] {
        [0xFF, 0xFE, ..] => utf16(&bytes[2..], true),
        [0xFE, 0xFF, ..] => utf16(&bytes[2..], false),
        _ => {
            if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                bytes.drain(..3);
            }
            String::from_utf8(bytes).map_err(|e| {
                let valid = e.utf8_error().valid_up_to();
                let line = e.as_bytes()[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
                fail(
                    line,
                    "not valid UTF-8 text (save the file as UTF-8, or UTF-16 with a byte-order mark)",
                )
            })
        }
    }
}

/// The field delimiter: the one of `,` `;` and tab seen most often in the header line
/// (outside quotes), `,` when none is.
///
/// ```
/// assert_eq!(dti_core::io::sniff_delimiter("unit;period;GOV\nA;2023;0,5\n"), b';');
/// assert_eq!(dti_core::io::sniff_delimiter("unit\tGOV\n"), b'\t');
/// ```
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in &mut counts {
                if c.0 == b {
                    c.1 += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|c| c.1)
        .filter(|c| c.1 > 0)
        .map_or(b',', |c| c.0)
}

/// The line where a quoted field opens that no quote closes, if any (RFC 4180: a quote opens
/// a field only at its start; inside, `""` is a quote).
///
/// ```
/// use dti_core::io::unterminated_quote;
/// assert_eq!(unterminated_quote("a,b\n1,\"x\n2,3\n", b','), Some(2));
/// assert_eq!(unterminated_quote("a,b\n1,\"x\"\"y\"\n", b','), None);
/// assert_eq!(unterminated_quote("a,b\n1,5\"\n", b','), None); // a quote inside a field
/// ```
pub fn unterminated_quote(text: &str, delimiter: u8) -> Option<usize> {
    // Most files quote nothing: one fast search (memchr) instead of a walk byte by byte.
    if !text.as_bytes().contains(&b'"') {
        return None;
    }
    let (mut line, mut opened) = (1usize, 0usize);
    let (mut in_quotes, mut at_start) = (false, true);
    let bytes = text.as_bytes();
    let mut k = 0;
    while k < bytes.len() {
        let b = bytes[k];
        if in_quotes {
            if b == b'"' {
                if bytes.get(k + 1) == Some(&b'"') {
                    k += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' && at_start {
            in_quotes = true;
            opened = line;
        }
        if b == b'\n' {
            line += 1;
        }
        at_start =
            !in_quotes && (b == delimiter || b == b'\n' || b == b'\r' || (at_start && b == b' '));
        k += 1;
    }
    in_quotes.then_some(opened)
}

/// A field separator as people name it: `,` `;` `|` or tab (also `comma`, `semicolon`,
/// `pipe`, `tab`, `\t`) — what the command's `--delimiter`, the npm package's and the Python
/// package's `delimiter` take.
///
/// ```
/// use dti_core::io::parse_delimiter;
/// assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
/// assert_eq!(parse_delimiter(";"), Ok(b';'));
/// assert!(parse_delimiter(";;").unwrap_err().contains("not a separator"));
/// ```
pub fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "," | "comma" => Ok(b','),
        ";" | "semicolon" => Ok(b';'),
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "|" | "pipe" => Ok(b'|'),
        other => Err(format!("'{other}' is not a separator: , ; tab or |")),
    }
}

/// A problem with one column name of a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderProblem {
    /// The column, counted from 1.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Empty or repeated column names of a header (compared ignoring case).
///
/// ```
/// use dti_core::io::{header_problems, HeaderProblem};
/// let p = header_problems(&["unit", "", "GOV", "gov"]);
/// assert_eq!(p[0], HeaderProblem { column: 2, message: "column 2 of the header has no name".into() });
/// assert_eq!(p[1].column, 4);
/// ```
pub fn header_problems<S: AsRef<str>>(header: &[S]) -> Vec<HeaderProblem> {
    let mut out = Vec::new();
    // Each name's first column, keyed as compared: one pass, whatever the header's width.
    let mut seen: std::collections::HashMap<String, usize> =
        std::collections::HashMap::with_capacity(header.len());
    for (c, h) in header.iter().enumerate() {
        let h = h.as_ref();
        if h.trim().is_empty() {
            out.push(HeaderProblem {
                column: c + 1,
                message: format!("column {} of the header has no name", c + 1),
            });
        } else if let Some(&first) = seen.get(&h.trim().to_ascii_lowercase()) {
            out.push(HeaderProblem {
                column: c + 1,
                message: format!(
                    "column {} repeats the name of column {} ('{h}')",
                    c + 1,
                    first + 1
                ),
            });
        } else {
            seen.insert(h.trim().to_ascii_lowercase(), c);
        }
    }
    out
}

#[cfg(feature = "tables")]
pub use file_problem::{describe, describe_with, FileProblem, FormProblem, Hint, ReadError};
#[cfg(feature = "tables")]
pub use frame::{read_wide_frame, FrameColumn};
pub use ids::Ids;
#[cfg(feature = "tables")]
pub use meta::AbsentDenominator;
pub use panel::Panel;
#[cfg(feature = "tables")]
pub use records::{read_records, Layout, ReadOptions, Records};
#[cfg(feature = "tables")]
pub use tables::{read_tables, TableError, TableOptions, TableProblem, Tables, MAX_LEVEL};
#[cfg(feature = "tables")]
pub use wide::{read_wide_numbers, read_wide_numbers_in, WideNumbers};
#[cfg(feature = "tables")]
pub use writer::{push_number, write_data, write_data_as, CsvText};
// The COINr pipeline lives with the analyses (it runs methods and the engine); its paths
// under `io` are kept as they were. A façade, not a dependency: nothing in `io` uses it.
#[cfg(feature = "tables")]
pub use crate::analyses::pipeline::{
    run_pipeline, write_results, write_results_as, DataSet, MissingDenominator, Pipeline,
    PipelineError, PipelineReport, PipelineRun, Screened,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_million_column_header_in_one_pass() {
        let mut header: Vec<String> = (0..1_000_000).map(|i| format!("c{i}")).collect();
        header.push(" C999999 ".to_owned());
        header.push(String::new());
        let p = header_problems(&header);
        assert_eq!(p.len(), 2);
        assert_eq!(
            p[0].message,
            "column 1000001 repeats the name of column 1000000 (' C999999 ')"
        );
        assert_eq!(p[1].column, 1_000_002);
    }
}
