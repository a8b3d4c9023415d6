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
    /// What can be done about it: each surface says it in its own words
    /// ([`FileProblem::text_with`]), so the message itself names no flag or parameter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<Hint>,
    /// For a problem of the file's form (code `invalid_file`): what kind, with its details,
    /// so that a surface can word it in its own language (the npm package's Vietnamese).
    #[serde(skip)]
    pub form: Option<FormProblem>,
}

/// What is wrong with a file's form — not a value, the file itself — with the details a
/// message needs. The code of such a problem stays `invalid_file`; this says which.
///
/// ```
/// let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
/// let opts = dti_core::io::ReadOptions::default();
/// let r = dti_core::io::read_records("a.csv", "unit,period,AWR\nha-noi,2023\n", &fw, &opts).unwrap();
/// let p = &r.file_problems[0];
/// assert_eq!(p.code(), "invalid_file");
/// assert_eq!(p.form, Some(dti_core::io::FormProblem::RaggedRow { cells: 2, expected: 3 }));
/// assert_eq!(serde_json::to_value(&p.form)?["code"], "ragged_row");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FormProblem {
    /// Nothing in the file.
    EmptyFile,
    /// A quoted field opens and never closes.
    UnclosedQuote,
    /// The CSV parser's own complaint (its message says what).
    Csv,
    /// A `.json` file that is not an array of unit records (the message says why).
    NotJson,
    /// A header column with no name, or a name given twice.
    BadHeader,
    /// No column names the unit (`one_column`: the header is one column, the separator is
    /// probably another).
    NoUnitColumn {
        /// The header has one column.
        one_column: bool,
    },
    /// A group column asked for is not in the file.
    MissingGroup {
        /// The group column.
        group: String,
    },
    /// The long layout without its indicator and value columns.
    LongLayout,
    /// A column that is no indicator of the framework (and no known column).
    UnknownColumn {
        /// The column's name.
        column: String,
        /// The indicator code it may mean (the same but for case).
        suggestion: Option<String>,
    },
    /// A row with more or fewer cells than the header.
    RaggedRow {
        /// The row's cells.
        cells: usize,
        /// The header's.
        expected: usize,
    },
    /// A row whose unit cell is empty.
    EmptyUnit,
    /// A period that is not a year between 1000 and 9999.
    BadPeriod {
        /// The cell as given.
        period: String,
    },
    /// An empty period where other rows give one.
    MissingPeriod,
    /// A long-layout row whose indicator is not one of the framework's.
    UnknownIndicator,
    /// A long-layout indicator given twice for one unit and period.
    DuplicateIndicator,
    /// A wide-layout indicator given by two columns (its code and its name).
    DuplicateColumn,
}

/// What the reader of a problem can do about it. The command names its flag, Python its
/// parameter, the npm package its option; in Rust, the field of [`ReadOptions`](crate::io::ReadOptions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Hint {
    /// A column that is not an indicator may be a grouping column: declare it as one
    /// (`ReadOptions::groups`).
    Groups,
    /// The header is one column: the separator may be another (`ReadOptions::delimiter`).
    Delimiter,
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
            hint: None,
            form: None,
        }
    }

    /// The problem, with the kind of form problem it is.
    #[must_use]
    pub fn with_form(mut self, form: FormProblem) -> FileProblem {
        self.form = Some(form);
        self
    }

    /// The problem, located at a unit too.
    #[must_use]
    pub fn with_unit(mut self, unit: Option<&str>) -> FileProblem {
        self.unit = unit.map(str::to_owned);
        self
    }

    /// The problem, with what can be done about it.
    #[must_use]
    pub fn with_hint(mut self, hint: Hint) -> FileProblem {
        self.hint = Some(hint);
        self
    }

    /// The problem as [`Display`](fmt::Display) shows it, then its hint in `words`: each
    /// surface's own (the command's flags, Python's parameters, the npm package's options).
    ///
    /// ```
    /// use dti_core::io::{FileProblem, Hint};
    /// let p = FileProblem::new("a.csv", Some(1), "column 'region' is not an indicator".into())
    ///     .with_hint(Hint::Groups);
    /// let cli = |h: Hint| match h {
    ///     Hint::Groups => "use --group for grouping columns",
    ///     _ => "",
    /// };
    /// assert_eq!(p.text_with(&cli), "a.csv, row 1: column 'region' is not an indicator; use --group for grouping columns");
    /// ```
    pub fn text_with(&self, words: &dyn Fn(Hint) -> &'static str) -> String {
        match self.hint {
            Some(h) => format!("{self}; {}", words(h)),
            None => self.to_string(),
        }
    }

    /// The problem, located at an indicator too.
    #[must_use]
    pub fn with_indicator(mut self, indicator: Option<&str>) -> FileProblem {
        self.indicator = indicator.map(str::to_owned);
        self
    }
}

impl std::error::Error for FileProblem {}

/// A file that cannot be read at all: every problem, each with its line. An error
/// (`?` turns it into `Box<dyn Error>`, `anyhow` …, with [`describe`]'s message) that derefs
/// to its problems, so a caller can still walk them.
///
/// ```
/// use dti_core::io::{read_records, ReadOptions};
/// fn count(text: &str) -> Result<usize, Box<dyn std::error::Error>> {
///     let fw = dti_core::Framework::builtin("vn-pdti-2022")?;
///     Ok(read_records("a.csv", text, &fw, &ReadOptions::default())?.units.len())
/// }
/// let e = count("unit,period,BOGUS\nha-noi,2023,1\n").unwrap_err();
/// assert!(e.to_string().starts_with("1 problem(s) in the input:\n  - a.csv"), "{e}");
/// let e = read_records("a.csv", "", &dti_core::Framework::builtin("vn-pdti-2022")?, &ReadOptions::default())
///     .unwrap_err();
/// assert_eq!((e.code(), e.len(), e[0].line), ("invalid_file", 1, Some(1)));
/// # Ok::<(), dti_core::FrameworkError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ReadError {
    /// Every problem, in the order found.
    pub problems: Vec<FileProblem>,
}

impl ReadError {
    /// The stable kind of the error: `invalid_file`, as the npm and Python packages name it.
    pub fn code(&self) -> &'static str {
        "invalid_file"
    }

    /// The problems, owned.
    pub fn into_problems(self) -> Vec<FileProblem> {
        self.problems
    }
}

impl From<Vec<FileProblem>> for ReadError {
    fn from(problems: Vec<FileProblem>) -> ReadError {
        ReadError { problems }
    }
}

impl std::ops::Deref for ReadError {
    type Target = [FileProblem];
    fn deref(&self) -> &[FileProblem] {
        &self.problems
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&describe(&self.problems))
    }
}

impl std::error::Error for ReadError {}

/// Every problem of a file in one message, as the `dti` command, the npm package and the
/// Python package word it: "N problem(s) in the input:" and one located line each.
///
/// ```
/// use dti_core::io::{describe, FileProblem};
/// let p = [FileProblem::new("a.csv", Some(3), "the unit is empty".into())];
/// assert_eq!(describe(&p), "1 problem(s) in the input:\n  - a.csv, row 3: the unit is empty");
/// ```
pub fn describe(problems: &[FileProblem]) -> String {
    describe_with(problems, &|_| "")
}

/// [`describe`], each problem's hint in `words` (see [`FileProblem::text_with`]).
pub fn describe_with(problems: &[FileProblem], words: &dyn Fn(Hint) -> &'static str) -> String {
    let mut s = format!("{} problem(s) in the input:", problems.len());
    for p in problems {
        let text = match p.hint.map(words) {
            Some(w) if !w.is_empty() => p.text_with(words),
            _ => p.to_string(),
        };
        s.push_str(&format!("\n  - {text}"));
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
