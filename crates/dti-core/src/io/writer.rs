//! Writing a data set back in the data-table layout, numbers as R prints them, text cells a
//! spreadsheet would take for a formula neutralised.

use crate::io::panel::Panel;
use crate::model::framework::Framework;

/// A data set in the data-table layout: `uCode, uName, Time`, then one column per leaf of
/// the framework; missing values are `NA`.
///
/// ```
/// # use dti_core::{io::*, *};
/// # let t = read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
/// #     "uCode,Time,x\nA,2024,1\nB,2024,NA\n", &Default::default())?;
/// assert_eq!(write_data(&t.framework, &t.data), "uCode,uName,Time,x\nA,,2024,1\nB,,2024,NA\n");
/// # Ok::<(), TableError>(())
/// ```
/// Text cells that a spreadsheet would take for a formula are neutralised
/// ([`CsvText::Neutralised`]); [`write_data_as`] chooses.
pub fn write_data(fw: &Framework, data: &Panel) -> String {
    write_data_as(fw, data, CsvText::Neutralised)
}

/// [`write_data`] with text cells as `text` says.
///
/// ```
/// # use dti_core::{io::*, *};
/// # let t = read_tables("iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n",
/// #     "uCode,uName,Time,x\nA,=1+1,2024,1\n", &Default::default())?;
/// assert_eq!(write_data(&t.framework, &t.data).lines().nth(1), Some("A,'=1+1,2024,1"));
/// assert_eq!(write_data_as(&t.framework, &t.data, CsvText::Raw).lines().nth(1), Some("A,=1+1,2024,1"));
/// # Ok::<(), TableError>(())
/// ```
pub fn write_data_as(fw: &Framework, data: &Panel, text: CsvText) -> String {
    let mut leaves: Vec<(&str, Option<&[f64]>)> = fw
        .leaves()
        .map(|l| (l.code.as_str(), data.column(&l.code)))
        .collect();
    // Then the data set's other node columns (the aggregates of `Aggregated`), in its order.
    let more: Vec<(&str, Option<&[f64]>)> = data
        .codes
        .iter()
        .zip(&data.columns)
        .filter(|(code, _)| !leaves.iter().any(|l| l.0 == code.as_str()))
        .map(|(code, c)| (code.as_str(), Some(&c[..])))
        .collect();
    leaves.extend(more);
    let mut w = Writer::new(
        text,
        &["uCode", "uName", "Time"],
        leaves.iter().map(|l| l.0),
    );
    for u in 0..data.len() {
        w.who(&data.units[u], data.name(u), data.periods[u]);
        for (_, col) in &leaves {
            w.number(col.map_or(f64::NAN, |c| c[u]));
        }
        w.end();
    }
    w.finish()
}

/// A CSV table written field by field into one string (quoted as the `csv` crate quotes).
/// Appends `x` as `format!("{x}")` writes it — the fewest digits that read back as exactly
/// `x`, without an exponent (`0.0000001`, `1e21` as `1000000000000000000000`, `-0`) — from
/// zmij's shortest digits, several times faster than `core::fmt` for a million numbers. The
/// one difference: when two shortest texts are equally near `x` (both read back as `x`),
/// zmij takes the even last digit and `core::fmt` the upper one (`…735.2` / `…735.3` for
/// 1337273274742735.25) — the same number either way.
///
/// ```
/// let mut s = String::new();
/// for x in [0.1 + 0.2, 1e-7, -0.0, 1e21] {
///     dti_core::io::push_number(&mut s, x);
///     s.push(' ');
/// }
/// assert_eq!(s, "0.30000000000000004 0.0000001 -0 1000000000000000000000 ");
/// ```
pub fn push_number(out: &mut String, x: f64) {
    if !x.is_finite() {
        use std::fmt::Write as _;
        let _ = write!(out, "{x}");
        return;
    }
    let mut buffer = zmij::Buffer::new();
    let s = buffer.format_finite(x);
    // Without an exponent zmij's text is `Display`'s, but for the `.0` of a whole number.
    // An exponent is at most five bytes (`e-324`) and ends the text: only those are looked at.
    if !s.as_bytes()[s.len().saturating_sub(5)..]
        .iter()
        .any(|&b| b == b'e' || b == b'E')
    {
        out.push_str(s.strip_suffix(".0").unwrap_or(s));
        return;
    }
    let (negative, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(k) => (&s[..k], s[k + 1..].parse::<i32>().unwrap_or(0)),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The significant digits, and where the point goes among them.
    // (On the stack: this runs for every number of a large output. zmij's text of an f64 is
    // at most 24 bytes, so its digits fit.)
    let mut buf = [0u8; 32];
    let mut n = 0;
    let mut point = int.len() as i32 + exp;
    for d in int.bytes().chain(frac.bytes()) {
        if n == 0 && d == b'0' {
            point -= 1;
        } else if n < buf.len() {
            buf[n] = d;
            n += 1;
        }
    }
    while n > 0 && buf[n - 1] == b'0' {
        n -= 1;
    }
    let sig = &buf[..n];
    if negative {
        out.push('-');
    }
    if sig.is_empty() {
        out.push('0');
        return;
    }
    let len = sig.len() as i32;
    // ASCII digits, so always text.
    let digits = |out: &mut String, b: &[u8]| out.push_str(std::str::from_utf8(b).unwrap_or(""));
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        digits(out, sig);
    } else if point >= len {
        digits(out, sig);
        out.extend(std::iter::repeat_n('0', (point - len) as usize));
    } else {
        digits(out, &sig[..point as usize]);
        out.push('.');
        digits(out, &sig[point as usize..]);
    }
}

pub(crate) struct Writer {
    pub(crate) out: csv::Writer<Vec<u8>>,
    pub(crate) buf: String,
    /// Text cells as they are, not neutralised for spreadsheets.
    pub(crate) raw: bool,
}

/// How the text cells of a CSV export (unit ids, names, codes) are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsvText {
    /// A cell that a spreadsheet would take for a formula gets a leading `'`
    /// ([`crate::text::neutralised`]): the default.
    #[default]
    Neutralised,
    /// As they are.
    Raw,
}

impl Writer {
    pub(crate) fn new<'a>(
        text: CsvText,
        first: &[&'a str],
        rest: impl Iterator<Item = &'a str>,
    ) -> Writer {
        Writer::with_capacity(text, 0, first, rest)
    }

    /// A writer whose output has room for `bytes` (an estimate) from the start.
    pub(crate) fn with_capacity<'a>(
        text: CsvText,
        bytes: usize,
        first: &[&'a str],
        rest: impl Iterator<Item = &'a str>,
    ) -> Writer {
        let mut w = Writer {
            out: csv::Writer::from_writer(Vec::with_capacity(bytes)),
            buf: String::new(),
            raw: text == CsvText::Raw,
        };
        for f in first.iter().copied().chain(rest) {
            w.text(f);
        }
        w.end();
        w
    }

    pub(crate) fn who(&mut self, unit: &str, name: Option<&str>, period: Option<i32>) {
        self.text(unit);
        self.text(name.unwrap_or(""));
        match period {
            Some(p) => self.display(p),
            None => self.text(""),
        }
    }

    pub(crate) fn number(&mut self, x: f64) {
        if x.is_nan() {
            self.text("NA");
        } else {
            self.buf.clear();
            push_number(&mut self.buf, x);
            let _ = self.out.write_field(&self.buf);
        }
    }

    /// A whole number (a rank), as `Display` writes it.
    pub(crate) fn integer(&mut self, k: u32) {
        let _ = self.out.write_field(itoa::Buffer::new().format(k));
    }

    /// A field in its `Display` form, through one reused buffer.
    pub(crate) fn display(&mut self, x: impl std::fmt::Display) {
        use std::fmt::Write as _;
        self.buf.clear();
        let _ = write!(self.buf, "{x}");
        let _ = self.out.write_field(&self.buf);
    }

    // Writing to memory cannot fail.
    pub(crate) fn text(&mut self, s: &str) {
        let s = if self.raw {
            std::borrow::Cow::Borrowed(s)
        } else {
            crate::text::neutralised(s)
        };
        let _ = self.out.write_field(s.as_ref());
    }

    pub(crate) fn end(&mut self) {
        let _ = self.out.write_record(None::<&[u8]>);
    }

    pub(crate) fn finish(self) -> String {
        self.out
            .into_inner()
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default()
    }
}
