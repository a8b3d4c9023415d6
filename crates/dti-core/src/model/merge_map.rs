//! A merger as data: which former units form each merged unit ([`MergeMap`]), read from a
//! file or built in (the 2025 province merger), with every problem of a map reported. Scoring
//! merged units is an analysis (`analyses/merge.rs`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::ScoreError;

/// One merged unit and the former units it was formed from.
///
/// ```
/// let g = dti_core::analyses::MergeGroup { unit: "phu-tho".into(), name: Some("Phú Thọ".into()),
///     from: vec!["phu-tho".into(), "vinh-phuc".into(), "hoa-binh".into()] };
/// assert_eq!(g.from.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeGroup {
    /// The merged unit's id.
    pub unit: String,
    /// Its display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The former units' ids.
    pub from: Vec<String>,
}

/// A map from merged units to their former units.
///
/// ```
/// let map = dti_core::MergeMap::from_csv("merged,former\nN,A\nN,B\nM,C\n")?;
/// assert_eq!(map.groups.len(), 2);
/// assert_eq!(map.groups[0].from, ["A", "B"]);
/// # Ok::<(), dti_core::analyses::MergeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeMap {
    /// The merged units, in order of first appearance.
    pub groups: Vec<MergeGroup>,
}

/// A problem with a merge map or with the units to merge.
///
/// ```
/// let p = dti_core::analyses::MergeProblem::EmptyGroup { unit: "N".into() };
/// assert_eq!(p.to_string(), "merged unit 'N' lists no former units");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MergeProblem {
    /// A line of a CSV map without two fields.
    #[error(
        "line {line} of the merge map needs two fields (merged unit, former unit): '{content}'"
    )]
    BadLine {
        /// 1-based line number.
        line: usize,
        /// The line.
        content: String,
    },
    /// A merged unit with no former units.
    #[error("merged unit '{unit}' lists no former units")]
    EmptyGroup {
        /// The merged unit.
        unit: String,
    },
    /// A former unit listed under two merged units.
    #[error("former unit '{former}' is listed under both '{first}' and '{second}'")]
    FormerInTwoGroups {
        /// The former unit.
        former: String,
        /// The first merged unit.
        first: String,
        /// The second.
        second: String,
    },
    /// A former unit has no (scored) record in the input for the period.
    #[error("merged unit '{unit}'{}: former unit '{former}' is not in the input", period.map(|p| format!(" ({p})")).unwrap_or_default())]
    MissingFormer {
        /// The merged unit.
        unit: String,
        /// The period.
        period: Option<i32>,
        /// The absent former unit.
        former: String,
    },
    /// None of a merged unit's former units is in the input for the period (lenient mode).
    #[error("merged unit '{unit}'{}: none of its former units is in the input, so it is not scored", period.map(|p| format!(" ({p})")).unwrap_or_default())]
    NoFormers {
        /// The merged unit.
        unit: String,
        /// The period.
        period: Option<i32>,
    },
}

impl MergeProblem {
    /// The stable snake_case kind of the error (the WASM package's `Error.code`; an error
    /// that wraps another gives the inner one's code).
    ///
    /// ```
    /// let p = dti_core::analyses::MergeProblem::EmptyGroup { unit: "N".into() };
    /// assert_eq!(p.code(), "empty_group");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            MergeProblem::BadLine { .. } => "bad_line",
            MergeProblem::EmptyGroup { .. } => "empty_group",
            MergeProblem::FormerInTwoGroups { .. } => "former_in_two_groups",
            MergeProblem::MissingFormer { .. } => "missing_former",
            MergeProblem::NoFormers { .. } => "no_formers",
        }
    }
}

/// Why units could not be merged.
///
/// ```
/// let err = dti_core::MergeMap::from_csv("merged,former\nN\n").unwrap_err();
/// assert!(matches!(err, dti_core::analyses::MergeError::Map { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MergeError {
    /// The map is invalid; every problem is listed.
    #[error("the merge map has {} problem(s):{}", problems.len(), list(problems))]
    #[serde(rename = "merge_map")]
    Map {
        /// All problems.
        problems: Vec<MergeProblem>,
    },
    /// Former units are missing from the input; every one is listed. Lenient mode averages
    /// over the former units present instead, and flags the merged unit.
    #[error("{} former unit(s) missing:{}", problems.len(), list(problems))]
    #[serde(rename = "merge_input")]
    Input {
        /// All problems.
        problems: Vec<MergeProblem>,
    },
    /// The former units could not be scored.
    #[error(transparent)]
    Score(#[from] ScoreError),
}

impl MergeError {
    /// The stable snake_case kind of the error (the WASM package's `Error.code`; an error
    /// that wraps another gives the inner one's code).
    ///
    /// ```
    /// let err = dti_core::MergeMap::from_csv("merged,former\nN\n").unwrap_err();
    /// assert_eq!(err.code(), "merge_map");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            MergeError::Map { .. } => "merge_map",
            MergeError::Input { .. } => "merge_input",
            MergeError::Score(e) => e.code(),
        }
    }
}

fn list(problems: &[MergeProblem]) -> String {
    problems.iter().map(|p| format!("\n  - {p}")).collect()
}

impl MergeMap {
    /// Adds a former unit to a merged unit (creating the group on first use).
    ///
    /// ```
    /// let mut map = dti_core::MergeMap::default();
    /// map.add("N", Some("New"), "A");
    /// map.add("N", None, "B");
    /// assert_eq!(map.groups[0].from, ["A", "B"]);
    /// ```
    pub fn add(&mut self, unit: &str, name: Option<&str>, former: &str) {
        match self.groups.iter_mut().find(|g| g.unit == unit) {
            Some(g) => g.from.push(former.to_owned()),
            None => self.groups.push(MergeGroup {
                unit: unit.to_owned(),
                name: name.map(str::to_owned),
                from: vec![former.to_owned()],
            }),
        }
    }

    /// Reads a two-column CSV (header line first): merged unit id, former unit id.
    /// Fields may be quoted; blank lines are skipped. The map is checked.
    ///
    /// ```
    /// let map = dti_core::MergeMap::from_csv("province_2025,former_province\n\"Huế\",\"Thừa Thiên Huế\"\n")?;
    /// assert_eq!(map.groups[0].unit, "Huế");
    /// # Ok::<(), dti_core::analyses::MergeError>(())
    /// ```
    pub fn from_csv(text: &str) -> Result<MergeMap, MergeError> {
        let mut map = MergeMap::default();
        let mut problems = Vec::new();
        for (n, line) in text.lines().enumerate().skip(1) {
            if line.trim().is_empty() {
                continue;
            }
            let field = |s: &str| s.trim().trim_matches('"').trim().to_owned();
            match line.split_once(',') {
                Some((a, b)) if !field(a).is_empty() && !field(b).is_empty() => {
                    map.add(&field(a), None, &field(b));
                }
                _ => problems.push(MergeProblem::BadLine {
                    line: n + 1,
                    content: line.to_owned(),
                }),
            }
        }
        if let Err(MergeError::Map { problems: more }) = map.check() {
            problems.extend(more);
        }
        if !problems.is_empty() {
            return Err(MergeError::Map { problems });
        }
        Ok(map)
    }

    /// Checks that every group lists former units and no former unit is listed twice.
    ///
    /// ```
    /// let mut map = dti_core::MergeMap::default();
    /// map.add("N", None, "A");
    /// map.add("M", None, "A");
    /// assert!(map.check().is_err());
    /// ```
    pub fn check(&self) -> Result<(), MergeError> {
        let mut problems = Vec::new();
        let mut owner: HashMap<&str, &str> = HashMap::new();
        for g in &self.groups {
            if g.from.is_empty() {
                problems.push(MergeProblem::EmptyGroup {
                    unit: g.unit.clone(),
                });
            }
            for f in &g.from {
                if let Some(first) = owner.insert(f, &g.unit) {
                    problems.push(MergeProblem::FormerInTwoGroups {
                        former: f.clone(),
                        first: first.to_owned(),
                        second: g.unit.clone(),
                    });
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(MergeError::Map { problems })
        }
    }
}
