//! The record adapter: a cohort of [`UnitRecord`]s resolved into the engine's grid (leaf
//! rules, given values, self-assessed and appraised pairs), scored by the engine, and
//! returned as per-unit results ([`CohortScores`]), with explanations when asked.

use serde::{Deserialize, Serialize};

use super::checks::Intake;
use super::grid::{Cell, ColumnGrid, UnitMeta};
use super::kernel::{raw_sign, resolve_value, score_grid};
use super::results::{cohort_scores, Sides};
use crate::error::{InputErrorKind, ScoreError};
use crate::methods::normalise::Ties;
use crate::model::framework::Framework;
use crate::model::input::{Entry, UnitRecord, Value};
use crate::model::result::{AssessedScore, CohortScores, UnitScore};
use crate::model::rules::Scored;
use crate::suggest::closest;

/// How to score a cohort.
///
/// ```
/// let o: dti_core::ScoreOptions = serde_json::from_str(r#"{"lenient": true}"#)?;
/// assert!(o.lenient && o.explain);
/// assert_eq!(o.top_n, 5);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ScoreOptions {
    /// Collect input problems into [`CohortScores::problems`] and score the rest, instead of
    /// failing. A rejected value counts as not reported; duplicate records after the first,
    /// units with missing values under missing policy `error`, and units that would need
    /// unpublished weights, are left out and listed in [`CohortScores::excluded`].
    pub lenient: bool,
    /// Compute each unit's [`Explanation`](crate::Explanation).
    pub explain: bool,
    /// How many improvement opportunities each explanation lists.
    pub top_n: usize,
    /// Normalise cohort-relative indicators over all periods together (comparable over
    /// time) instead of within each period. Ranks are always within each period.
    pub pool_periods: bool,
    /// When two scores share a rank, in every ranking and rank normaliser (default
    /// [`Ties::Auto`]: the framework's declared rule, else equal up to 1e-12, relative).
    pub ties: Ties,
}

setters!(ScoreOptions {
    lenient: bool,
    explain: bool,
    top_n: usize,
    pool_periods: bool,
    ties: Ties
});

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions {
            lenient: false,
            explain: true,
            top_n: 5,
            pool_periods: false,
            ties: Ties::default(),
        }
    }
}

/// Scores a cohort of unit records against a framework.
///
/// Every node and view gets points, a value and a rank within its period; every problem in
/// the input is reported (all of them, with row, unit and indicator). See [`ScoreOptions`].
///
/// ```
/// use dti_core::{score_cohort, Framework, ScoreOptions, UnitRecord};
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "scale": 100,
///   "nodes": [{"code": "A", "name_vi": "A", "max_points": 60}, {"code": "B", "name_vi": "B", "max_points": 40}]}"#)?;
/// let units = [
///     UnitRecord::new("X").value("A", 0.5).value("B", 1.0), // 30 + 40 = 70
///     UnitRecord::new("Y").value("A", 1.0).value("B", 0.0), // 60 +  0 = 60
/// ];
/// let s = score_cohort(&fw, &units, &ScoreOptions::default())?;
/// assert_eq!(s.units[0].points, Some(70.0));
/// assert_eq!(s.units[0].rank, Some(1));
/// assert_eq!(s.units[1].node("A").and_then(|n| n.rank), Some(1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn score_cohort(
    fw: &Framework,
    units: &[UnitRecord],
    opts: &ScoreOptions,
) -> Result<CohortScores, ScoreError> {
    let opts = &ScoreOptions {
        ties: fw.ties(opts.ties),
        ..opts.clone()
    };
    let (intake, sides) = resolve_records(fw, units);
    let kept = intake.finish(fw, opts.lenient)?;
    let meta: Vec<UnitMeta> = kept.rows.iter().map(|&r| UnitMeta::of(&units[r])).collect();
    // Pairs of rows left out go with them; the rest follow their row (`rows` ascends).
    let sides: Sides = sides
        .into_iter()
        .filter_map(|(r, i, s, a)| {
            let k = kept.rows.binary_search(&r).ok()?;
            (kept.grid.cells[i][k] != Cell::Covered).then_some(((k, i), (s, a)))
        })
        .collect();
    let scored = score_grid(
        fw,
        kept.grid,
        kept.units,
        opts.pool_periods,
        opts.ties,
        false,
    )?;
    let mut scores = cohort_scores(fw, scored, meta, sides, opts);
    scores.problems = kept.problems;
    scores.excluded = kept.excluded;
    Ok(scores)
}

/// Scores a cohort and returns one unit's result with its explanation (`opts.explain` is
/// taken as on): the unit found as [`CohortScores::find_unit`] finds it — id, name up to case
/// and diacritics, or a province's name — within `period` (`None`: its latest).
///
/// ```
/// use dti_core::{explain_unit, Framework, ScoreOptions, UnitRecord};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units = [
///     UnitRecord::new("ha-noi").period(2023).value("GOV", 0.5).value("ECO", 0.4),
///     UnitRecord::new("ho-chi-minh").period(2023).value("GOV", 0.9).value("ECO", 0.2),
/// ];
/// let u = explain_unit(&fw, &units, "Hà Nội", None, &ScoreOptions::default())?;
/// assert_eq!((u.unit.as_str(), u.points), ("ha-noi", Some(160.0)));
/// let e = u.explanation.unwrap();
/// assert!(!e.opportunities.is_empty());
/// let err = explain_unit(&fw, &units, "Atlantis", None, &ScoreOptions::default()).unwrap_err();
/// assert_eq!(err.code(), "unknown_unit");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn explain_unit(
    fw: &Framework,
    units: &[UnitRecord],
    unit: &str,
    period: Option<i32>,
    opts: &ScoreOptions,
) -> Result<UnitScore, ScoreError> {
    let opts = ScoreOptions {
        explain: true,
        ..opts.clone()
    };
    let scores = score_cohort(fw, units, &opts)?;
    scores
        .find_unit(unit, period)
        .cloned()
        .ok_or_else(|| ScoreError::UnknownUnit {
            unit: unit.to_owned(),
            period,
        })
}

/// One self-assessed / appraised pair: (input row, node, self, appraised).
type AssessedCell = (usize, usize, Option<AssessedScore>, Option<AssessedScore>);

/// Resolves every record's entries into the grid (rows are the records), with the problems
/// of the entries themselves; the shared checks run in [`Intake::finish`].
pub(crate) fn resolve_records<'a>(
    fw: &Framework,
    units: &'a [UnitRecord],
) -> (Intake<'a>, Vec<AssessedCell>) {
    let plan = &fw.plan;
    let ids = units.iter().map(|r| r.unit.as_str()).collect();
    let periods = units.iter().map(|r| r.period).collect();
    let mut intake = Intake::new(fw, ids, periods, true);
    let mut sides = Vec::new();
    // Records of one cohort mostly report the same codes: the node of the previous record's
    // k-th code is checked first (one comparison instead of a hash).
    let mut last: Vec<Option<(&str, usize)>> = Vec::new();
    // Each node's `raw_sign`, looked up once (0: none, the number goes through the rule).
    let raw: Vec<f64> = (0..plan.n)
        .map(|i| raw_sign(plan, i).unwrap_or(0.0))
        .collect();
    for (u, rec) in units.iter().enumerate() {
        if intake.skip[u] {
            continue;
        }
        for (k, (code, entry)) in rec.values.iter().enumerate() {
            // The common case, inline: the previous record's k-th code, a finite number for
            // a node that takes it raw.
            if let (Some(&Some((c, i))), Entry::Plain(Value::Number(x))) = (last.get(k), entry) {
                let sign = raw[i];
                if sign != 0.0 && x.is_finite() && same_code(c, code) {
                    put(&mut intake.grid, i, u, (sign * x, f64::NAN, Cell::Raw));
                    continue;
                }
            }
            let mut entries = Entries {
                fw,
                intake: &mut intake,
                sides: &mut sides,
                last: &mut last,
            };
            entries.resolve(u, k, code, entry);
        }
    }
    (intake, sides)
}

/// What resolving entries writes to, beside the grid: problems, assessed pairs, and the
/// node of each position's code in the previous record.
struct Entries<'s, 'a> {
    fw: &'s Framework,
    intake: &'s mut Intake<'a>,
    sides: &'s mut Vec<AssessedCell>,
    last: &'s mut Vec<Option<(&'a str, usize)>>,
}

impl<'a> Entries<'_, 'a> {
    /// Resolves the `k`-th entry of row `u` in general: any code, value and rule.
    fn resolve(&mut self, u: usize, k: usize, code: &'a str, entry: &Entry) {
        let (fw, plan) = (self.fw, &self.fw.plan);
        let cached = self
            .last
            .get(k)
            .copied()
            .flatten()
            .filter(|(c, _)| same_code(c, code))
            .map(|(_, i)| i);
        let Some(i) = cached.or_else(|| plan.index_of(code)) else {
            let suggestion =
                closest(code, fw.def.nodes.iter().map(|n| n.code.as_str())).map(str::to_owned);
            let kind = InputErrorKind::UnknownIndicator { suggestion };
            let p = self.intake.problem(u, Some(code), kind);
            self.intake.problems.push(p);
            return;
        };
        let Some(v) = entry.scored() else {
            let p = self
                .intake
                .problem(u, Some(code), InputErrorKind::EmptyEntry);
            self.intake.problems.push(p);
            return;
        };
        match resolve_value(plan, i, v) {
            Ok(cell) => put(&mut self.intake.grid, i, u, cell),
            Err(kind) => {
                let p = self.intake.problem(u, Some(code), kind);
                self.intake.problems.push(p);
                self.intake.rejected.insert((u, i));
                return;
            }
        }
        if cached.is_none() {
            if self.last.len() <= k {
                self.last.resize(k + 1, None);
            }
            self.last[k] = Some((code, i));
        }
        if let Entry::Assessed(a) = entry {
            let side = |v: &Option<Value>| v.as_ref().map(|v| assessed(fw, i, v));
            self.sides
                .push((u, i, side(&a.self_assessed), side(&a.appraised)));
        }
    }
}

/// Writes a resolved cell of node `i`, row `u` (points only where the node has a points
/// column).
#[inline]
fn put(grid: &mut ColumnGrid, i: usize, u: usize, (x, p, c): (f64, f64, Cell)) {
    grid.value[i][u] = x;
    if let Some(slot) = grid.points[i].get_mut(u) {
        *slot = p;
    }
    grid.cells[i][u] = c;
}

/// Whether two node codes are the same: codes are short (`"GOV.1.2"`), so up to 16 bytes are
/// compared as two overlapping words each instead of through a `memcmp` call.
#[inline]
fn same_code(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    // Equal lengths: the first and last `N` bytes of each overlap and cover the code.
    fn ends<const N: usize>(s: &[u8]) -> Option<(&[u8; N], &[u8; N])> {
        Some((s.first_chunk()?, s.last_chunk()?))
    }
    match n {
        8..=16 => ends::<8>(a) == ends::<8>(b),
        4..=7 => ends::<4>(a) == ends::<4>(b),
        _ => a == b,
    }
}

/// One side of an assessed pair, scored by node `i`'s rule (no value for a rule that
/// needs the cohort).
fn assessed(fw: &Framework, i: usize, v: &Value) -> AssessedScore {
    let plan = &fw.plan;
    let scored = match &plan.rule[i] {
        Some(rule) => crate::model::rules::score_leaf(rule, plan.direction[i], plan.max[i], v),
        None => crate::model::rules::given_value(v, plan.max[i]),
    };
    let (value, points) = match scored {
        Ok(Scored::Final { value, points }) => (Some(value), (!points.is_nan()).then_some(points)),
        _ => (None, None),
    };
    AssessedScore {
        input: v.clone(),
        value,
        points,
    }
}

impl Framework {
    /// Scores a cohort with the default [`ScoreOptions`] (strict, with explanations).
    ///
    /// ```
    /// # use dti_core::*;
    /// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T",
    ///   "nodes": [{"code": "A", "name_vi": "A", "max_points": 10}]}"#)?;
    /// let s = fw.score(&[UnitRecord::new("X").value("A", 0.3)])?;
    /// assert_eq!(s.units[0].points, Some(3.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn score(&self, units: &[UnitRecord]) -> Result<CohortScores, ScoreError> {
        score_cohort(self, units, &ScoreOptions::default())
    }

    /// Scores a cohort with the given options.
    ///
    /// ```
    /// # use dti_core::*;
    /// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T",
    ///   "nodes": [{"code": "A", "name_vi": "A", "max_points": 10}]}"#)?;
    /// let opts = ScoreOptions::default().lenient(true);
    /// let s = fw.score_with(&[UnitRecord::new("X").value("A", 3.0), UnitRecord::new("Y").value("A", 0.5)], &opts)?;
    /// assert_eq!(s.problems.len(), 1);       // X's 3.0 is outside 0..1 …
    /// assert_eq!(s.units[0].points, Some(0.0)); // … so it counts as not reported (policy zero)
    /// assert_eq!(s.units[1].points, Some(5.0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn score_with(
        &self,
        units: &[UnitRecord],
        opts: &ScoreOptions,
    ) -> Result<CohortScores, ScoreError> {
        score_cohort(self, units, opts)
    }
}

/// Reading and scoring meet here, above `io`: a file's problems include those its values
/// meet when scored.
#[cfg(feature = "tables")]
impl crate::io::Records {
    /// Every problem of the file, as the `dti` command reports them: the rows the reader
    /// could not take, then every problem of the values in the rows it could (found by
    /// scoring them leniently with `options`), each located.
    pub fn problems(
        &self,
        fw: &crate::model::framework::Framework,
        options: &ScoreOptions,
    ) -> Vec<crate::io::FileProblem> {
        let mut all = self.file_problems.clone();
        let lenient = options.clone().lenient(true).explain(false);
        if let Ok(s) = fw.score_with(&self.units, &lenient) {
            all.extend(s.problems.iter().map(|p| self.located(p)));
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_compare_as_strings_at_every_length() {
        // Every length the word comparison covers and beyond; one byte changed at each place.
        for n in 0..24 {
            let a: String = (0..n).map(|k| char::from(b'A' + k as u8)).collect();
            assert!(same_code(&a, &a.clone()), "{a}");
            for at in 0..n {
                let mut b = a.clone().into_bytes();
                b[at] = b'.';
                let b = String::from_utf8(b).unwrap();
                assert!(!same_code(&a, &b), "{a} {b}");
            }
            assert!(!same_code(&a, &format!("{a}1")), "{a}");
        }
        assert!(same_code("GOV.1.2", "GOV.1.2") && !same_code("GOV.1.2", "GOV.1.3"));
        assert!(same_code("Tổng", "Tổng") && !same_code("Tổng", "Tong"));
    }

    #[test]
    fn entries_resolve_alike_inline_and_in_general() {
        // A and B normalised within the cohort (B: direction −1), C by its rule. W lacks B,
        // so its C sits where the others have B (the previous record's code differs there);
        // Z's A is not finite (rejected, reported, then scored as not reported).
        let fw = Framework::from_json(
            r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
              {"code": "A", "name_vi": "A", "max_points": 50, "rule": {"type": "normalised", "normaliser": {"method": "min_max"}}},
              {"code": "B", "name_vi": "B", "max_points": 30, "direction": -1, "rule": {"type": "normalised", "normaliser": {"method": "min_max"}}},
              {"code": "C", "name_vi": "C", "max_points": 20, "rule": {"type": "percent"}}]}"#,
        )
        .unwrap();
        let units = [
            UnitRecord::new("X")
                .value("A", 2.0)
                .value("B", 10.0)
                .value("C", 50.0),
            UnitRecord::new("Y")
                .value("A", 4.0)
                .value("B", 20.0)
                .value("C", 100.0),
            UnitRecord::new("W").value("A", 3.0).value("C", 0.0),
            UnitRecord::new("Z")
                .value("A", f64::INFINITY)
                .value("B", 15.0)
                .value("C", 25.0),
        ];
        let s = score_cohort(&fw, &units, &ScoreOptions::default().lenient(true)).unwrap();
        // A: min-max of 2, 4, 3 → 0, 1, 0.5 (Z's missing: 0) × 50 points.
        // B: min-max of −10, −20, −15 → 1, 0, 0.5 (W's missing: 0) × 30.
        // C: 50 %, 100 %, 0 %, 25 % × 20.
        let points: Vec<_> = s.units.iter().map(|u| u.points).collect();
        assert_eq!(points, [Some(40.0), Some(70.0), Some(25.0), Some(20.0)]);
        assert_eq!(s.problems.len(), 1);
        let p = &s.problems[0];
        assert_eq!((p.unit.as_str(), p.indicator.as_deref()), ("Z", Some("A")));
    }

    #[test]
    fn an_empty_cohort_scores_to_nothing() {
        let fw = Framework::from_json(
            r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [{"code": "A", "name_vi": "A", "max_points": 2}]}"#,
        )
        .unwrap();
        let s = fw.score(&[]).unwrap();
        assert!(s.units.is_empty() && s.problems.is_empty());
    }
}
