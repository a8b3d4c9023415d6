//! The methods a framework or an analysis chooses, as data: normalisers, the tie rule of
//! ranks, imputations. Their formulas are methods (`methods/normalise.rs`, `ranks.rs`,
//! `impute.rs`); a framework names one, validates it and stores it, and that is model.

use serde::{Deserialize, Serialize};

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

/// An imputation method.
///
/// ```
/// let m: dti_core::methods::Imputation = serde_json::from_str(r#"{"method": "group_mean", "group": "region"}"#)?;
/// assert_eq!(m, dti_core::methods::Imputation::GroupMean { group: "region".into() });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "method",
    rename_all = "snake_case",
    try_from = "crate::model::forms::MethodForm"
)]
#[non_exhaustive]
pub enum Imputation {
    /// Mean of the indicator over the period's units.
    Mean,
    /// Median of the indicator over the period's units.
    Median,
    /// Mean over the period's units in the same group.
    GroupMean {
        /// The group key in [`UnitRecord::groups`](crate::model::UnitRecord::groups).
        group: String,
    },
    /// Median over the period's units in the same group.
    GroupMedian {
        /// The group key in [`UnitRecord::groups`](crate::model::UnitRecord::groups).
        group: String,
    },
    /// The unit's value in its latest earlier period that has one.
    LatestEarlier,
    /// Linear interpolation between the unit's nearest earlier and later periods with values
    /// (no extrapolation).
    Interpolate,
}

impl Imputation {
    /// The snake_case name.
    ///
    /// ```
    /// assert_eq!(dti_core::methods::Imputation::LatestEarlier.name(), "latest_earlier");
    /// ```
    pub fn name(&self) -> &'static str {
        match self {
            Imputation::Mean => "mean",
            Imputation::Median => "median",
            Imputation::GroupMean { .. } => "group_mean",
            Imputation::GroupMedian { .. } => "group_median",
            Imputation::LatestEarlier => "latest_earlier",
            Imputation::Interpolate => "interpolate",
        }
    }
}
