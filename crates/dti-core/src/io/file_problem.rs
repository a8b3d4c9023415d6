//! A problem in an input file, located by file, physical line, unit and indicator.

use crate::error::InputErrorKind;
use std::fmt;

/// A problem in an input file, located as precisely as possible: the file, its physical
/// line (from 1, the header is line 1), the unit and the indicator when known.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct FileProblem {
    /// The file, as the caller named it.
    pub file: String,
    /// The physical line (a quoted field may span lines: the line its record starts on).
    pub line: Option<usize>,
    /// The unit of the row, when the row gives one.
    pub unit: Option<String>,
    /// The indicator (or column) concerned.
    pub indicator: Option<String>,
    /// The record (from 1) when the source has no lines (JSON).
    pub record: Option<usize>,
    /// The record's period, for a problem found in its values.
    pub period: Option<i32>,
    /// What is wrong.
    pub message: String,
    /// A problem of a value found by scoring (see [`Records::problems`](crate::io::Records::problems)); `None`: a problem
    /// of the file's form.
    #[serde(skip)]
    pub input: Option<Box<InputErrorKind>>,
}

impl FileProblem {
    /// The stable snake_case kind of the problem (the WASM package's `Error.code` when a
    /// file cannot be read).
    ///
    /// ```
    /// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
    /// let opts = dti_core::io::ReadOptions::default();
    /// let e = dti_core::io::read_records("a.csv", "", &fw, &opts).err().unwrap();
    /// assert_eq!((e[0].code(), e[0].line), ("invalid_file", Some(1)));
    /// # Ok::<(), dti_core::FrameworkError>(())
    /// ```
    pub fn code(&self) -> &'static str {
        match &self.input {
            Some(kind) => kind.code(),
            None => "invalid_file",
        }
    }

    /// A problem of `file` at `line`.
    pub fn new(file: &str, line: Option<usize>, message: String) -> FileProblem {
        FileProblem {
            file: file.to_owned(),
            line,
            unit: None,
            indicator: None,
            record: None,
            period: None,
            message,
            input: None,
        }
    }

    /// The problem, located at a unit too.
    #[must_use]
    pub fn with_unit(mut self, unit: Option<&str>) -> FileProblem {
        self.unit = unit.map(str::to_owned);
        self
    }

    /// The problem, located at an indicator too.
    #[must_use]
    pub fn with_indicator(mut self, indicator: Option<&str>) -> FileProblem {
        self.indicator = indicator.map(str::to_owned);
        self
    }
}

impl std::error::Error for FileProblem {}

/// Every problem of a file in one message, as the `dti` command, the npm package and the
/// Python package word it: "N problem(s) in the input:" and one located line each.
///
/// ```
/// use dti_core::io::{describe, FileProblem};
/// let p = [FileProblem::new("a.csv", Some(3), "the unit is empty".into())];
/// assert_eq!(describe(&p), "1 problem(s) in the input:\n  - a.csv, row 3: the unit is empty");
/// ```
pub fn describe(problems: &[FileProblem]) -> String {
    let mut s = format!("{} problem(s) in the input:", problems.len());
    for p in problems {
        s.push_str(&format!("\n  - {p}"));
    }
    s
}

impl fmt::Display for FileProblem {
    /// One line, whatever the input: text from the file (units, indicators, cells) is
    /// shown with its control and bidirectional characters escaped (`crate::text::shown`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::text::shown(&self.raw_text()))
    }
}

impl FileProblem {
    pub(crate) fn raw_text(&self) -> String {
        let mut f = String::new();
        let _ = self.write_raw(&mut f);
        f
    }

    pub(crate) fn write_raw(&self, f: &mut String) -> fmt::Result {
        use fmt::Write as _;
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ", row {l}")?;
        } else if let Some(r) = self.record {
            write!(f, ", record {r}")?;
        }
        if let Some(u) = &self.unit {
            write!(f, ", unit '{u}'")?;
        }
        if let Some(p) = self.period {
            write!(f, " ({p})")?;
        }
        if let Some(i) = &self.indicator {
            write!(f, ", indicator '{i}'")?;
        }
        write!(f, ": {}", self.message)
    }
}
