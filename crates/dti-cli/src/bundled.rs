//! The data the command carries: the official published results (the default) and the
//! synthetic 63-province panel, named where a data file is expected (`published`,
//! `published:dti-63`, `synthetic`), and `dti data list|show`.

use std::path::{Path, PathBuf};

use dti_core::model::{published_data, published_text, PublishedData, PUBLISHED_SOURCE};

use crate::output::{num, rank, Format, Sink, Table};
use crate::row;

/// A bundled data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundled {
    /// DTI 2024, the 34 provinces: main indicators, DTI, rank (`published`, `dti-2024`).
    Published2024,
    /// The DTI of the 63 provinces, 2022–2024 (`published:dti-63`).
    Published63,
    /// The synthetic 63-province panel with component indicators, 2021–2023 (`synthetic`).
    Synthetic,
}

/// Where a command's data comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Bundled(Bundled),
}

/// The names under which the bundled data sets are given in place of a file.
pub const NAMES: [(&str, Bundled); 5] = [
    ("published", Bundled::Published2024),
    ("published:dti-2024", Bundled::Published2024),
    ("published:dti-63", Bundled::Published63),
    ("dti-63", Bundled::Published63),
    ("synthetic", Bundled::Synthetic),
];

impl Bundled {
    /// The name files are reported under in messages.
    pub fn file_name(self) -> &'static str {
        match self {
            Bundled::Published2024 => "published DTI 2024 (34 provinces)",
            Bundled::Published63 => "published DTI 2022–2024 (63 provinces)",
            Bundled::Synthetic => "bundled synthetic panel.csv",
        }
    }

    /// The CSV text.
    pub fn text(self) -> &'static str {
        match self {
            Bundled::Published2024 => published_text("dti-2024").unwrap_or_default(),
            Bundled::Published63 => published_text("dti-63").unwrap_or_default(),
            Bundled::Synthetic => crate::data::BUNDLED,
        }
    }

    /// The framework its values are scored with when none is named.
    pub fn framework(self) -> &'static str {
        match self {
            Bundled::Published2024 => "vn-pdti-2024",
            Bundled::Published63 => "total",
            Bundled::Synthetic => "vn-pdti-2022",
        }
    }

    /// The published data set behind it.
    pub fn published(self) -> Option<&'static PublishedData> {
        match self {
            Bundled::Published2024 => published_data("dti-2024"),
            Bundled::Published63 => published_data("dti-63"),
            Bundled::Synthetic => None,
        }
    }

    /// Where its numbers come from, as printed under a table of them.
    pub fn source_line(self) -> String {
        match self {
            Bundled::Synthetic => "Data: the bundled synthetic panel (seeded, not real numbers; \
                `dti data list`)"
                .to_owned(),
            _ => format!("Source: {PUBLISHED_SOURCE}."),
        }
    }
}

impl Source {
    /// The data a DATA argument names: a file, or a bundled set by name when no file of that
    /// name exists. Without one: the published DTI 2024 table (the 63-province totals for
    /// `--year 2022` or `2023`).
    pub fn of(data: Option<&Path>, year: Option<i32>) -> Source {
        match data {
            Some(p) => {
                let named = p
                    .to_str()
                    .and_then(|s| NAMES.iter().find(|(n, _)| *n == s))
                    .map(|(_, b)| *b);
                match named {
                    Some(b) if !p.exists() => Source::Bundled(b),
                    _ => Source::File(p.to_path_buf()),
                }
            }
            None => Source::Bundled(match year {
                Some(2022 | 2023) => Bundled::Published63,
                _ => Bundled::Published2024,
            }),
        }
    }

    /// The framework id a command uses when `--framework` is not given: the bundled data's
    /// own, else the one of `--year` (2024 on: `vn-pdti-2024`; 2021–2023: `vn-pdti-2022`;
    /// 2020: `vn-pdti-2020`), else `vn-pdti-2022`.
    pub fn framework(&self, year: Option<i32>) -> &'static str {
        match (self, year) {
            (Source::Bundled(b), _) => b.framework(),
            (Source::File(_), Some(y)) if y >= 2024 => "vn-pdti-2024",
            (Source::File(_), Some(y)) if y <= 2020 => "vn-pdti-2020",
            _ => "vn-pdti-2022",
        }
    }

    pub fn bundled(&self) -> Option<Bundled> {
        match self {
            Source::Bundled(b) => Some(*b),
            Source::File(_) => None,
        }
    }

    /// The name it is reported under.
    pub fn display(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Bundled(b) => b.file_name().to_owned(),
        }
    }
}

/// `dti data list`: every bundled data set.
pub fn list(sink: &Sink, format: Format) -> Result<(), String> {
    let mut t = Table::new(
        &["name", "units", "years", "framework", "what"],
        &[false, true, false, false, false],
    );
    t.title = Some("Bundled data (give the name where a data file is expected)".to_owned());
    let mut json = Vec::new();
    for (name, b) in [
        ("published", Bundled::Published2024),
        ("published:dti-63", Bundled::Published63),
        ("synthetic", Bundled::Synthetic),
    ] {
        let (units, years, what) = match b.published() {
            Some(d) => (
                d.rows.len() / d.periods.len().max(1),
                d.periods
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                d.title.clone(),
            ),
            None => (
                63,
                "2021, 2022, 2023".to_owned(),
                "Synthetic 63-province panel with component indicators (seeded, not real)"
                    .to_owned(),
            ),
        };
        t.push(row![
            name,
            units.to_string(),
            years.clone(),
            b.framework(),
            what.clone()
        ]);
        json.push(serde_json::json!({
            "name": name, "units": units, "years": years, "framework": b.framework(),
            "title": what, "source": b.source_line(),
        }));
    }
    t.notes.push(Bundled::Published2024.source_line());
    t.notes
        .push("The default of every command is `published` (DTI 2024, 34 provinces).".to_owned());
    sink.emit(format, &t, || serde_json::Value::Array(json))
}

/// `dti data show NAME`: a bundled published table as published.
pub fn show(name: &str, sink: &Sink, format: Format) -> Result<(), String> {
    let b = NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
        .ok_or_else(|| {
            format!("no bundled data '{name}'; available: published, published:dti-63, synthetic")
        })?;
    let Some(d) = b.published() else {
        // The synthetic panel is a file's text: shown as it is.
        return sink.write(b.text());
    };
    let codes: Vec<String> = d
        .rows
        .first()
        .map(|r| r.values.iter().map(|(c, _)| c.clone()).collect())
        .unwrap_or_default();
    let mut header = vec!["rank", "unit", "name", "year", "DTI"];
    header.extend(codes.iter().map(String::as_str));
    let mut right = vec![true, false, false, true, true];
    right.extend(codes.iter().map(|_| true));
    let mut t = Table::new(&header, &right);
    t.title = Some(d.title.clone());
    for r in &d.rows {
        let mut cells = row![
            rank(r.rank),
            r.unit.clone(),
            r.name.clone(),
            r.period.to_string(),
            num(Some(r.dti), 4)
        ];
        cells.extend(r.values.iter().map(|(_, v)| num(Some(*v), 4)));
        t.push(cells);
    }
    t.notes.push(b.source_line());
    sink.emit(format, &t, || serde_json::to_value(d).unwrap_or_default())
}
