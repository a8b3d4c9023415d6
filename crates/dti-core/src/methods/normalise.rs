//! Cohort-relative normalisers for [`Rule::Normalised`](crate::model::Rule::Normalised) leaves.
//!
//! Formulas and conventions follow the OECD/JRC *Handbook on Constructing Composite
//! Indicators* (2008), §5, as implemented by the R package COINr (`composite-methods.md`):
//! the indicator's direction d is applied first (x' = d·x); statistics are over the
//! non-missing x'; the standard deviation uses n − 1; ranks give ties the lowest rank.

pub use crate::error::NormaliseError;
pub(crate) use crate::methods::ranks::ranks_ascending_by;
pub(crate) use crate::model::choices::TIE_TOLERANCE;
pub use crate::model::choices::{Normaliser, Ties};

impl Normaliser {
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
