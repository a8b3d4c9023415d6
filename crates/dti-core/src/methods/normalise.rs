//! Cohort-relative normalisers for [`Rule::Normalised`](crate::model::Rule::Normalised) leaves.
//!
//! Formulas and conventions follow the OECD/JRC *Handbook on Constructing Composite
//! Indicators* (2008), §5, as implemented by the R package COINr (`composite-methods.md`):
//! the indicator's direction d is applied first (x' = d·x); statistics are over the
//! non-missing x'; the standard deviation uses n − 1; ranks give ties the lowest rank.

use serde::{Deserialize, Serialize};

pub(crate) use crate::engine::ranks::ranks_ascending_by;
use thiserror::Error;

/// A normalisation method with its parameters, chosen as data.
///
/// ```
/// use dti_core::Normaliser;
/// let n: Normaliser = serde_json::from_str(r#"{"method": "min_max", "l": 0, "u": 100}"#)?;
/// assert_eq!(n, Normaliser::MinMax { l: 0.0, u: 100.0 });
/// let out = n.normalise(&[1.0, 2.0, 3.0])?;
/// assert_eq!(out, vec![0.0, 50.0, 100.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "method",
    rename_all = "snake_case",
    try_from = "crate::model::forms::MethodForm"
)]
#[non_exhaustive]
pub enum Normaliser {
    /// x' unchanged.
    #[serde(rename = "none")]
    Identity,
    /// (x' − min)/(max − min)·(u − l) + l. All values equal is an error.
    MinMax {
        /// Lower end of the target range (default 0).
        l: f64,
        /// Upper end of the target range (default 1).
        u: f64,
    },
    /// (x' − mean)/sd·s + m, sd with n − 1. Fewer than two values or sd = 0 is an error.
    ZScore {
        /// Target mean (default 0).
        m: f64,
        /// Target standard deviation (default 1).
        s: f64,
    },
    /// Ascending rank of x', ties take the lowest rank; the worst unit gets 1. Which values
    /// are tied is the tie rule in force ([`Ties`]: exact in the COINr pipeline, as COINr's
    /// `n_rank`; a relative 1e-12 where no rule is given).
    Rank,
    /// Borda score: rank − 1.
    Borda,
    /// (rank − 1)/(n − 1), in [0, 1]. Fewer than two values is an error.
    PercentileRank,
    /// Distance to the frontier: 1 − (max − x')/(max − min), in [0, 1]. All values equal is
    /// an error.
    DistanceToMax,
    /// x'/max. A maximum of 0 is an error.
    FractionOfMax,
    /// Distance to a reference unit r: 1 − (x'_r − x')/(x'_r − min), optionally capped at 1.
    /// A reference unit absent from the cohort (or without a value), or one at the minimum,
    /// is an error.
    DistanceToReference {
        /// The reference unit's id.
        unit: String,
        /// Cap scores above the reference at 1.
        cap: bool,
    },
    /// Distance to a target t (in the indicator's own units): (x − min)/(t − min) for
    /// direction +1, (max − x)/(max − t) for −1 — that is, (x' − min')/(t' − min') on the
    /// direction-adjusted values — optionally capped at 1. Without `target`, the leaf's
    /// `meta.target` is used. A target at or below the worst value is an error.
    DistanceToTarget {
        /// The target; `None` takes the leaf's `meta.target`.
        #[serde(skip_serializing_if = "Option::is_none")]
        target: Option<f64>,
        /// Cap scores beyond the target at 1.
        cap: bool,
    },
    /// Goalposts (lo, hi in the indicator's own units): (x − lo)/(hi − lo) for direction +1,
    /// (hi − x)/(hi − lo) for −1, truncated to [0, 1] unless `truncate` is false, times
    /// `scale` (COINr `n_goalposts`).
    Goalposts {
        /// Lower goalpost.
        lo: f64,
        /// Upper goalpost.
        hi: f64,
        /// Scale of the result (default 1).
        scale: f64,
        /// Truncate to the goalposts (default true).
        truncate: bool,
    },
    /// Fixed bounds: (x' − a)/(b − a)·k, not cohort-relative (COINr `n_scaled` with k = 100).
    FixedBounds {
        /// Lower bound.
        a: f64,
        /// Upper bound.
        b: f64,
        /// Scale (default 100).
        k: f64,
    },
}

/// Why a normaliser could not be applied to a column.
///
/// ```
/// use dti_core::{methods::NormaliseError, Normaliser};
/// let err = Normaliser::MinMax { l: 0.0, u: 1.0 }.normalise(&[2.0, 2.0]).unwrap_err();
/// assert_eq!(err, NormaliseError::ZeroRange { value: 2.0 });
/// ```
#[derive(Debug, Clone, PartialEq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum NormaliseError {
    /// Every present value is the same, so the range is zero.
    #[error("every unit has the same value {value}, so the range is zero and min-max scaling is undefined")]
    ZeroRange {
        /// The common (direction-adjusted) value.
        value: f64,
    },
    /// The standard deviation is zero.
    #[error("every unit has the same value {value}, so the standard deviation is zero")]
    ZeroSpread {
        /// The common (direction-adjusted) value.
        value: f64,
    },
    /// Too few non-missing values.
    #[error("needs at least {needed} units with a value, found {found}")]
    TooFewValues {
        /// Required.
        needed: usize,
        /// Present.
        found: usize,
    },
    /// The maximum is zero, so a fraction of it is undefined.
    #[error("the largest value is 0, so a fraction of the maximum is undefined")]
    ZeroMax,
    /// The reference unit is not in the cohort, or has no value.
    #[error("the reference unit '{unit}' is not in the cohort or has no value")]
    ReferenceAbsent {
        /// The reference unit.
        unit: String,
    },
    /// The reference unit has the worst value, so distances to it are undefined.
    #[error("the reference unit '{unit}' has the worst value, so the distance to it is undefined")]
    ReferenceAtMinimum {
        /// The reference unit.
        unit: String,
    },
    /// The target is not better than the worst value.
    #[error("the target {target} is not better than the worst value {worst}, so the distance to it is undefined")]
    TargetNotAboveMinimum {
        /// The target (indicator units).
        target: f64,
        /// The worst value (indicator units).
        worst: f64,
    },
    /// No target was given, neither in the normaliser nor in the indicator's metadata.
    #[error("no target: give one in the normaliser or in the indicator's meta.target")]
    NoTarget,
    /// The values are too large for the normaliser: a statistic (range, mean, spread) or a
    /// result overflows a 64-bit float.
    #[error("the value {value:e} cannot be normalised: the values are so large that the column's range, mean or spread overflows (rescale the indicator)")]
    Overflow {
        /// The first value whose result is not finite (indicator units).
        value: f64,
    },
}

impl NormaliseError {
    /// The stable snake_case kind of the error (the WASM package's `Error.code`; an error
    /// that wraps another gives the inner one's code).
    ///
    /// ```
    /// assert_eq!(dti_core::methods::NormaliseError::ZeroMax.code(), "zero_max");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            NormaliseError::ZeroRange { .. } => "zero_range",
            NormaliseError::ZeroSpread { .. } => "zero_spread",
            NormaliseError::TooFewValues { .. } => "too_few_values",
            NormaliseError::ZeroMax => "zero_max",
            NormaliseError::ReferenceAbsent { .. } => "reference_absent",
            NormaliseError::ReferenceAtMinimum { .. } => "reference_at_minimum",
            NormaliseError::TargetNotAboveMinimum { .. } => "target_not_above_minimum",
            NormaliseError::NoTarget => "no_target",
            NormaliseError::Overflow { .. } => "overflow",
        }
    }
}

impl Normaliser {
    /// The snake_case method name used in the schema.
    ///
    /// ```
    /// assert_eq!(dti_core::Normaliser::PercentileRank.name(), "percentile_rank");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Normaliser::Identity => "none",
            Normaliser::MinMax { .. } => "min_max",
            Normaliser::ZScore { .. } => "z_score",
            Normaliser::Rank => "rank",
            Normaliser::Borda => "borda",
            Normaliser::PercentileRank => "percentile_rank",
            Normaliser::DistanceToMax => "distance_to_max",
            Normaliser::FractionOfMax => "fraction_of_max",
            Normaliser::DistanceToReference { .. } => "distance_to_reference",
            Normaliser::DistanceToTarget { .. } => "distance_to_target",
            Normaliser::Goalposts { .. } => "goalposts",
            Normaliser::FixedBounds { .. } => "fixed_bounds",
        }
    }

    /// Checks the parameters; the message says what is wrong.
    ///
    /// ```
    /// assert!(dti_core::Normaliser::MinMax { l: 1.0, u: 0.0 }.check().is_err());
    /// ```
    pub fn check(&self) -> Result<(), String> {
        match *self {
            Normaliser::MinMax { l, u } if !(l.is_finite() && u.is_finite() && l < u) => Err(
                format!("the target range needs finite l < u, got l = {l}, u = {u}"),
            ),
            Normaliser::ZScore { m, s } if !(m.is_finite() && s.is_finite() && s > 0.0) => {
                Err(format!(
                    "needs a finite mean m and a standard deviation s > 0, got m = {m}, s = {s}"
                ))
            }
            Normaliser::Goalposts { lo, hi, scale, .. }
                if !(lo.is_finite() && hi.is_finite() && scale.is_finite() && lo < hi) =>
            {
                Err(format!(
                    "needs finite goalposts lo < hi and a finite scale, got lo = {lo}, hi = {hi}, scale = {scale}"
                ))
            }
            Normaliser::FixedBounds { a, b, k }
                if !(a.is_finite() && b.is_finite() && k.is_finite() && a < b) =>
            {
                Err(format!(
                    "needs finite bounds a < b and a finite k, got a = {a}, b = {b}, k = {k}"
                ))
            }
            Normaliser::DistanceToTarget { target: Some(t), .. } if !t.is_finite() => {
                Err(format!("the target must be finite, got {t}"))
            }
            Normaliser::DistanceToReference { ref unit, .. } if unit.trim().is_empty() => {
                Err("the reference unit id is empty".to_owned())
            }
            _ => Ok(()),
        }
    }

    /// Whether every output lies in `[0, 1]` whatever the data, so that it can be scored as
    /// a share of max points.
    ///
    /// ```
    /// use dti_core::Normaliser;
    /// assert!(Normaliser::PercentileRank.is_unit_bounded());
    /// assert!(!Normaliser::ZScore { m: 0.0, s: 1.0 }.is_unit_bounded());
    /// ```
    pub fn is_unit_bounded(&self) -> bool {
        match *self {
            Normaliser::MinMax { l, u } => 0.0 <= l && u <= 1.0,
            Normaliser::PercentileRank | Normaliser::DistanceToMax => true,
            Normaliser::DistanceToReference { cap, .. }
            | Normaliser::DistanceToTarget { cap, .. } => cap,
            Normaliser::Goalposts {
                scale, truncate, ..
            } => truncate && (0.0..=1.0).contains(&scale),
            _ => false,
        }
    }

    /// The best value the normaliser can give whatever the data, if there is one.
    ///
    /// ```
    /// assert_eq!(dti_core::Normaliser::MinMax { l: 0.0, u: 100.0 }.upper_bound(), Some(100.0));
    /// assert_eq!(dti_core::Normaliser::Rank.upper_bound(), None);
    /// ```
    pub fn upper_bound(&self) -> Option<f64> {
        match *self {
            Normaliser::MinMax { u, .. } => Some(u),
            Normaliser::PercentileRank | Normaliser::DistanceToMax => Some(1.0),
            Normaliser::DistanceToReference { cap: true, .. }
            | Normaliser::DistanceToTarget { cap: true, .. } => Some(1.0),
            Normaliser::Goalposts {
                scale,
                truncate: true,
                ..
            } => Some(scale.max(0.0)),
            _ => None,
        }
    }

    /// Normalises a column of direction-adjusted values x' = d·x (`NaN` = missing, kept
    /// missing) for an indicator of direction +1. See [`normalise_column`](Self::normalise_column)
    /// for direction −1 and the reference-unit method.
    ///
    /// ```
    /// let out = dti_core::Normaliser::Rank.normalise(&[3.0, f64::NAN, 1.0, 3.0])?;
    /// assert_eq!(out[0], 2.0);
    /// assert!(out[1].is_nan());
    /// assert_eq!(out[2], 1.0);
    /// assert_eq!(out[3], 2.0);
    /// # Ok::<(), dti_core::methods::NormaliseError>(())
    /// ```
    pub fn normalise(&self, x: &[f64]) -> Result<Vec<f64>, NormaliseError> {
        self.normalise_column(x, 1.0, &[])
    }

    /// Normalises one indicator's column over a cohort: `x` holds the direction-adjusted
    /// values x' = d·x (`NaN` = missing), `direction` is d, and `units` the cohort's unit ids
    /// in the same order (needed only by [`Normaliser::DistanceToReference`]).
    ///
    /// ```
    /// use dti_core::Normaliser;
    /// // Unemployment (lower is better), goalposts 2 % (best) … 20 % (worst): x' = −x.
    /// let g = Normaliser::Goalposts { lo: 2.0, hi: 20.0, scale: 100.0, truncate: true };
    /// let out = g.normalise_column(&[-2.0, -11.0, -25.0], -1.0, &[])?;
    /// assert_eq!(out, vec![100.0, 50.0, 0.0]);
    /// let r = Normaliser::DistanceToReference { unit: "B".into(), cap: true };
    /// assert_eq!(r.normalise_column(&[0.0, 10.0, 20.0], 1.0, &["A", "B", "C"])?, vec![0.0, 1.0, 1.0]);
    /// # Ok::<(), dti_core::methods::NormaliseError>(())
    /// ```
    pub fn normalise_column(
        &self,
        x: &[f64],
        direction: f64,
        units: &[&str],
    ) -> Result<Vec<f64>, NormaliseError> {
        let mut out = Vec::with_capacity(x.len());
        let reference = match self {
            Normaliser::DistanceToReference { unit, .. } => units.iter().position(|u| u == unit),
            _ => None,
        };
        self.normalise_into(x, direction, reference, Ties::Auto, &mut out)?;
        Ok(out)
    }

    /// The engine's entry point: like [`normalise_column`](Self::normalise_column) with the
    /// reference unit already located, appending `x.len()` values to `out` (appended, not
    /// written over, so that a result column is written once, not first filled; on an error
    /// `out` holds a partial result).
    pub(crate) fn normalise_into(
        &self,
        x: &[f64],
        direction: f64,
        reference: Option<usize>,
        ties: Ties,
        out: &mut Vec<f64>,
    ) -> Result<(), NormaliseError> {
        let start = out.len();
        let stats = Stats::of(x);
        // The rank normalisers write by position.
        let slots = |out: &mut Vec<f64>| {
            out.resize(start + x.len(), f64::NAN);
            start
        };
        match *self {
            Normaliser::Identity => map(x, out, |v| v),
            Normaliser::MinMax { l, u } => {
                let range = stats.range()?;
                map(x, out, |v| (v - stats.min) / range * (u - l) + l);
            }
            Normaliser::ZScore { m, s } => {
                let mean = stats.mean(x);
                let sd = stats.sd(x, mean)?;
                map(x, out, |v| (v - mean) / sd * s + m);
            }
            Normaliser::Rank => {
                let at = slots(out);
                ranks_ascending_by(x, &mut out[at..], ties);
            }
            Normaliser::Borda => {
                let at = slots(out);
                ranks_ascending_by(x, &mut out[at..], ties);
                out[at..].iter_mut().for_each(|r| *r -= 1.0);
            }
            Normaliser::PercentileRank => {
                if stats.count < 2 {
                    return Err(NormaliseError::TooFewValues {
                        needed: 2,
                        found: stats.count,
                    });
                }
                let at = slots(out);
                ranks_ascending_by(x, &mut out[at..], ties);
                let denom = (stats.count - 1) as f64;
                out[at..].iter_mut().for_each(|r| *r = (*r - 1.0) / denom);
            }
            Normaliser::DistanceToMax => {
                let range = stats.range()?;
                map(x, out, |v| 1.0 - (stats.max - v) / range);
            }
            Normaliser::FractionOfMax => {
                stats.nonempty()?;
                if stats.max == 0.0 {
                    return Err(NormaliseError::ZeroMax);
                }
                map(x, out, |v| v / stats.max);
            }
            Normaliser::DistanceToReference { ref unit, cap } => {
                let absent = || NormaliseError::ReferenceAbsent { unit: unit.clone() };
                let xr = reference
                    .map(|r| x[r])
                    .filter(|v| !v.is_nan())
                    .ok_or_else(absent)?;
                if xr == stats.min {
                    return Err(NormaliseError::ReferenceAtMinimum { unit: unit.clone() });
                }
                map(x, out, |v| capped(1.0 - (xr - v) / (xr - stats.min), cap));
            }
            Normaliser::DistanceToTarget { target, cap } => {
                stats.nonempty()?;
                let t = direction * target.ok_or(NormaliseError::NoTarget)?;
                if t <= stats.min {
                    return Err(NormaliseError::TargetNotAboveMinimum {
                        target: direction * t,
                        worst: direction * stats.min,
                    });
                }
                map(x, out, |v| capped((v - stats.min) / (t - stats.min), cap));
            }
            Normaliser::Goalposts {
                lo,
                hi,
                scale,
                truncate,
            } => map(x, out, |v| {
                // Goalposts are in the indicator's units; v = d·x.
                let y = if direction < 0.0 {
                    (hi + v) / (hi - lo)
                } else {
                    (v - lo) / (hi - lo)
                };
                let y = if truncate { y.clamp(0.0, 1.0) } else { y };
                y * scale
            }),
            Normaliser::FixedBounds { a, b, k } => map(x, out, |v| (v - a) / (b - a) * k),
        }
        // Values so large that a statistic or the result overflows (±1e308 in a min-max
        // column: the range is infinite) must not become a silent 0 or NaN.
        if let Some(k) = super::scan::first_unfinished(x, &out[start..]) {
            return Err(NormaliseError::Overflow {
                value: x[k] * direction,
            });
        }
        Ok(())
    }
}

fn capped(y: f64, cap: bool) -> f64 {
    if cap {
        y.min(1.0)
    } else {
        y
    }
}

fn map(x: &[f64], out: &mut Vec<f64>, f: impl Fn(f64) -> f64) {
    // `f` runs on missing values too (it is arithmetic, without effects) and the missing
    // ones are then replaced: a select, not a branch, so the loop runs on vectors.
    out.extend(x.iter().map(|&v| {
        let y = f(v);
        if v.is_nan() {
            f64::NAN
        } else {
            y
        }
    }));
}

/// Relative difference below which two values count as tied: floating-point noise from
/// summing the same points in another order (e.g. 380 + 120 vs 390 + 110 over 700).
pub(crate) const TIE_TOLERANCE: f64 = 1e-12;

/// How ranks decide that two scores are tied (they then share the lowest rank: 1, 2, 2, 4).
/// The rule applies to every rank: of the index, the views and the nodes, in the analyses,
/// and in the rank normalisers (`rank`, `borda`, `percentile_rank`).
///
/// - `Auto` (the default): the rule the framework declares (`"ties"` in its definition: the
///   built-in DTI frameworks declare `rounded:4`, as the ministry ranks), else
///   `Tolerance(1e-12)`. Where no framework is at hand it is `Tolerance(1e-12)`.
/// - `Tolerance(rel)`: scores whose relative difference is at most `rel` are tied — points
///   summed in another order (380 + 120 vs 390 + 110) differ only in floating-point noise.
/// - `Exact`: only equal scores are tied, as COINr ranks them (R's
///   `rank(-x, ties.method = "min")`): scores that differ in the last bit are not.
/// - `Rounded(d)`: scores equal when rounded to `d` decimals (half away from zero, as a
///   spreadsheet's ROUND, decided on the exact value) are tied, as the official DTI ranks
///   its published 4-decimal values (2022: Thanh Hóa 0.6350 = Yên Bái 0.6350, both
///   15th, the next 17th) even where the unrounded values differ in the fifth decimal. Only
///   the ranking looks at the rounded value: values are never rounded.
///
/// ```
/// use dti_core::methods::Ties;
/// assert_eq!(Ties::default(), Ties::Auto);
/// let t: Ties = serde_json::from_str(r#""exact""#)?;
/// assert_eq!(t, Ties::Exact);
/// assert_eq!("tolerance:1e-9".parse::<Ties>(), Ok(Ties::Tolerance(1e-9)));
/// assert_eq!("rounded:4".parse::<Ties>(), Ok(Ties::Rounded(4)));
/// assert_eq!(serde_json::to_string(&Ties::Rounded(4))?, r#"{"rounded":4}"#);
/// assert_eq!(Ties::Auto.resolve(Some(Ties::Rounded(4))), Ties::Rounded(4));
/// assert_eq!(Ties::Exact.resolve(Some(Ties::Rounded(4))), Ties::Exact);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ties {
    /// The framework's declared rule, else `Tolerance(1e-12)`.
    #[default]
    Auto,
    /// Only equal scores are tied.
    Exact,
    /// Scores within this relative difference are tied.
    Tolerance(f64),
    /// Scores equal when rounded to this many decimals (at most 15) are tied.
    Rounded(u32),
}

/// The most decimals `Ties::Rounded` takes (10^15 is the largest power of ten whose
/// products keep whole numbers exact in an f64).
pub const MAX_TIE_DECIMALS: u32 = 15;

impl Ties {
    /// The rule in force: `self`, or for `Auto` the framework's `declared` rule, else the
    /// default tolerance (1e-12).
    pub fn resolve(self, declared: Option<Ties>) -> Ties {
        match self {
            Ties::Auto => match declared {
                Some(Ties::Auto) | None => Ties::Tolerance(TIE_TOLERANCE),
                Some(t) => t,
            },
            t => t,
        }
    }

    /// Whether the rule's parameters are in range (a tolerance in [0, 1), at most 15
    /// decimals): the reason when not.
    pub fn check(self) -> Result<(), String> {
        match self {
            Ties::Tolerance(r) if !(0.0..1.0).contains(&r) => Err(format!(
                "the tie tolerance must be a number in [0, 1), got {r}"
            )),
            Ties::Rounded(d) if d > MAX_TIE_DECIMALS => Err(format!(
                "ties can round to at most {MAX_TIE_DECIMALS} decimals, got {d}"
            )),
            _ => Ok(()),
        }
    }
}

impl std::fmt::Display for Ties {
    /// The rule as `--ties` takes it: `auto`, `exact`, `tolerance:REL`, `rounded:D`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ties::Auto => f.write_str("auto"),
            Ties::Exact => f.write_str("exact"),
            Ties::Tolerance(r) => write!(f, "tolerance:{r:e}"),
            Ties::Rounded(d) => write!(f, "rounded:{d}"),
        }
    }
}

impl std::str::FromStr for Ties {
    type Err = String;

    /// `auto`, `exact`, `tolerance` (1e-12), `tolerance:REL` with 0 ≤ REL < 1, or
    /// `rounded:D` with 0 ≤ D ≤ 15.
    fn from_str(s: &str) -> Result<Ties, String> {
        match s.split_once(':') {
            None if s == "auto" => Ok(Ties::Auto),
            None if s == "exact" => Ok(Ties::Exact),
            None if s == "tolerance" => Ok(Ties::Tolerance(TIE_TOLERANCE)),
            Some(("tolerance", rel)) => match rel.trim().parse::<f64>() {
                Ok(r) if (0.0..1.0).contains(&r) => Ok(Ties::Tolerance(r)),
                _ => Err(format!(
                    "the tie tolerance must be a number in [0, 1), got '{rel}'"
                )),
            },
            Some(("rounded", d)) => match d.trim().parse::<u32>() {
                Ok(d) if d <= MAX_TIE_DECIMALS => Ok(Ties::Rounded(d)),
                _ => Err(format!(
                    "ties can round to 0 to {MAX_TIE_DECIMALS} decimals, got '{d}'"
                )),
            },
            _ => Err(format!(
                "'{s}' is not a tie rule: auto, exact, tolerance, tolerance:REL or rounded:DECIMALS"
            )),
        }
    }
}

/// Summary of the non-missing values of a column.
struct Stats {
    count: usize,
    min: f64,
    max: f64,
}

/// Lanes of the min/max/count pass: independent accumulators, so the pass runs at the
/// machine's throughput rather than one comparison's latency per value.
const LANES: usize = 4;

impl Stats {
    /// Count, minimum and maximum of the non-missing values. Comparisons only (`<`, `>`:
    /// NaN never wins one), so the result is the same on every target, WASM included.
    fn of(x: &[f64]) -> Stats {
        let mut count = [0usize; LANES];
        let mut min = [f64::INFINITY; LANES];
        let mut max = [f64::NEG_INFINITY; LANES];
        let chunks = x.chunks_exact(LANES);
        let rest = chunks.remainder();
        for chunk in chunks {
            for k in 0..LANES {
                let v = chunk[k];
                count[k] += usize::from(!v.is_nan());
                if v < min[k] {
                    min[k] = v;
                }
                if v > max[k] {
                    max[k] = v;
                }
            }
        }
        for (k, &v) in rest.iter().enumerate() {
            count[k] += usize::from(!v.is_nan());
            if v < min[k] {
                min[k] = v;
            }
            if v > max[k] {
                max[k] = v;
            }
        }
        let mut s = Stats {
            count: count.iter().sum(),
            min: min[0],
            max: max[0],
        };
        for k in 1..LANES {
            if min[k] < s.min {
                s.min = min[k];
            }
            if max[k] > s.max {
                s.max = max[k];
            }
        }
        s
    }

    /// The mean of the non-missing values, summed in order (the z-score's centre).
    fn mean(&self, x: &[f64]) -> f64 {
        if self.count == 0 {
            return f64::NAN;
        }
        crate::sum::exact_sum(x.iter().copied().filter(|v| !v.is_nan())) / self.count as f64
    }

    fn nonempty(&self) -> Result<(), NormaliseError> {
        if self.count == 0 {
            return Err(NormaliseError::TooFewValues {
                needed: 1,
                found: 0,
            });
        }
        Ok(())
    }

    fn range(&self) -> Result<f64, NormaliseError> {
        self.nonempty()?;
        let r = self.max - self.min;
        if r == 0.0 {
            return Err(NormaliseError::ZeroRange { value: self.min });
        }
        Ok(r)
    }

    fn sd(&self, x: &[f64], mean: f64) -> Result<f64, NormaliseError> {
        if self.count < 2 {
            return Err(NormaliseError::TooFewValues {
                needed: 2,
                found: self.count,
            });
        }
        let ss = crate::sum::exact_sum(
            x.iter()
                .filter(|v| !v.is_nan())
                .map(|v| (v - mean) * (v - mean)),
        );
        let sd = (ss / (self.count - 1) as f64).sqrt();
        if sd == 0.0 {
            return Err(NormaliseError::ZeroSpread { value: self.min });
        }
        Ok(sd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAN: f64 = f64::NAN;

    fn same(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-12)
    }

    fn read(json: &str) -> Result<Normaliser, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn normalisers_read_with_their_defaults() {
        use Normaliser::*;
        let cases = [
            (r#"{"method": "none"}"#, Identity),
            (r#"{"method": "min_max"}"#, MinMax { l: 0.0, u: 1.0 }),
            (
                r#"{"u": 100, "method": "min_max"}"#,
                MinMax { l: 0.0, u: 100.0 },
            ),
            (
                r#"{"method": "z_score", "m": 50}"#,
                ZScore { m: 50.0, s: 1.0 },
            ),
            (r#"{"method": "rank"}"#, Rank),
            (r#"{"method": "borda"}"#, Borda),
            (r#"{"method": "percentile_rank"}"#, PercentileRank),
            (r#"{"method": "distance_to_max"}"#, DistanceToMax),
            (r#"{"method": "fraction_of_max"}"#, FractionOfMax),
            (
                r#"{"method": "distance_to_reference", "unit": "HN"}"#,
                DistanceToReference {
                    unit: "HN".into(),
                    cap: false,
                },
            ),
            (
                r#"{"method": "distance_to_target", "target": null, "cap": true}"#,
                DistanceToTarget {
                    target: None,
                    cap: true,
                },
            ),
            (
                r#"{"method": "goalposts", "lo": 1, "hi": 5}"#,
                Goalposts {
                    lo: 1.0,
                    hi: 5.0,
                    scale: 1.0,
                    truncate: true,
                },
            ),
            (
                r#"{"method": "fixed_bounds", "a": 0, "b": 10}"#,
                FixedBounds {
                    a: 0.0,
                    b: 10.0,
                    k: 100.0,
                },
            ),
        ];
        for (json, want) in cases {
            let got = read(json).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(got, want, "{json}");
            // What is written reads back the same.
            let again = read(&serde_json::to_string(&got).unwrap()).unwrap();
            assert_eq!(again, want, "{json} round trip");
        }
    }

    #[test]
    fn normaliser_errors_name_the_method_or_field() {
        let e = read(r#"{"method": "minmax"}"#).unwrap_err();
        assert!(
            e.starts_with("unknown variant `minmax`, expected one of `none`, `min_max`"),
            "{e}"
        );
        let e = read(r#"{"l": 0}"#).unwrap_err();
        assert!(e.starts_with("missing field `method`"), "{e}");
        let e = read(r#"{"method": "goalposts", "lo": 1}"#).unwrap_err();
        assert!(e.starts_with("missing field `hi`"), "{e}");
        let e = read(r#"{"method": "distance_to_reference"}"#).unwrap_err();
        assert!(e.starts_with("missing field `unit`"), "{e}");
        let e = read(r#"{"method": "rank", "l": 0}"#).unwrap_err();
        assert!(
            e.starts_with("unknown field `l`, expected no parameters"),
            "{e}"
        );
        let e = read(r#"{"method": "min_max", "lo": 0}"#).unwrap_err();
        assert!(
            e.starts_with("unknown field `lo`, expected one of `l`, `u`"),
            "{e}"
        );
        let e = read(r#"{"method": "min_max", "high": 0}"#).unwrap_err();
        assert!(e.starts_with("unknown field `high`"), "{e}");
        let e = read(r#"{"method": "min_max", "l": "0"}"#).unwrap_err();
        assert!(e.starts_with("invalid type: string"), "{e}");
    }

    // Hand-worked: x = [2, 4, NaN, 10], min 2, max 10, range 8.
    #[test]
    fn min_max_by_hand() {
        let out = Normaliser::MinMax { l: 0.0, u: 100.0 }
            .normalise(&[2.0, 4.0, NAN, 10.0])
            .unwrap();
        assert!(same(&out, &[0.0, 25.0, NAN, 100.0]));
    }

    // mean 4, deviations −2, 0, 2 → ss 8, sd = √(8/2) = 2 → z = −1, 0, 1; then ·10 + 50.
    #[test]
    fn z_score_by_hand() {
        let out = Normaliser::ZScore { m: 50.0, s: 10.0 }
            .normalise(&[2.0, 4.0, 6.0])
            .unwrap();
        assert!(same(&out, &[40.0, 50.0, 60.0]));
    }

    // Sorted: 1 (rank 1), 3, 3 (rank 2, 2), 7 (rank 4); n = 4 for percentiles: (r − 1)/3.
    #[test]
    fn ranks_with_ties_by_hand() {
        let x = [3.0, 7.0, 1.0, 3.0, NAN];
        assert!(same(
            &Normaliser::Rank.normalise(&x).unwrap(),
            &[2.0, 4.0, 1.0, 2.0, NAN]
        ));
        assert!(same(
            &Normaliser::Borda.normalise(&x).unwrap(),
            &[1.0, 3.0, 0.0, 1.0, NAN]
        ));
        assert!(same(
            &Normaliser::PercentileRank.normalise(&x).unwrap(),
            &[1.0 / 3.0, 1.0, 0.0, 1.0 / 3.0, NAN]
        ));
    }

    #[test]
    fn floating_point_noise_is_a_tie() {
        // 0.1 + 0.2 = 0.30000000000000004 ≠ 0.3, yet the same quantity.
        let out = Normaliser::Rank.normalise(&[0.1 + 0.2, 0.3, 0.5]).unwrap();
        assert_eq!(out, vec![1.0, 1.0, 3.0]);
        let out = Normaliser::Rank.normalise(&[1.0, 1.0 + 1e-9]).unwrap();
        assert_eq!(out, vec![1.0, 2.0]);
    }

    // Direction −1 is applied by the caller: x' = −x = [−1, −5, −3]; max −1, min −5, range 4.
    #[test]
    fn distance_to_max_and_fraction_by_hand() {
        let out = Normaliser::DistanceToMax
            .normalise(&[-1.0, -5.0, -3.0])
            .unwrap();
        assert!(same(&out, &[1.0, 0.0, 0.5]));
        let out = Normaliser::FractionOfMax
            .normalise(&[2.0, 8.0, 4.0])
            .unwrap();
        assert!(same(&out, &[0.25, 1.0, 0.5]));
    }

    #[test]
    fn degenerate_columns_are_errors_not_nan() {
        let mm = Normaliser::MinMax { l: 0.0, u: 1.0 };
        assert_eq!(
            mm.normalise(&[3.0, 3.0, NAN]),
            Err(NormaliseError::ZeroRange { value: 3.0 })
        );
        assert_eq!(
            mm.normalise(&[NAN]),
            Err(NormaliseError::TooFewValues {
                needed: 1,
                found: 0
            })
        );
        assert_eq!(
            Normaliser::ZScore { m: 0.0, s: 1.0 }.normalise(&[1.0]),
            Err(NormaliseError::TooFewValues {
                needed: 2,
                found: 1
            })
        );
        assert_eq!(
            Normaliser::FractionOfMax.normalise(&[0.0, -1.0]),
            Err(NormaliseError::ZeroMax)
        );
        assert_eq!(
            Normaliser::PercentileRank.normalise(&[1.0]),
            Err(NormaliseError::TooFewValues {
                needed: 2,
                found: 1
            })
        );
    }

    #[test]
    fn parameters_are_checked() {
        assert!(Normaliser::MinMax { l: 0.0, u: 0.0 }.check().is_err());
        assert!(Normaliser::ZScore { m: 0.0, s: 0.0 }.check().is_err());
        assert!(Normaliser::MinMax {
            l: 0.0,
            u: f64::INFINITY
        }
        .check()
        .is_err());
        assert!(Normaliser::Rank.check().is_ok());
    }
}
