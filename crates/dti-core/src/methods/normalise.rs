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
        let work = Lanes {
            normaliser: self,
            x,
            direction,
            reference,
            ties,
            out,
        };
        // Natively in the widest vectors the CPU has (AVX: four lanes, not SSE2's two),
        // chosen at run time by pulp as for `sum::column_sums`: the same operations, never
        // fused, so the same bits on every instruction set.
        #[cfg(not(target_arch = "wasm32"))]
        return pulp::Arch::new().dispatch(work);
        #[cfg(target_arch = "wasm32")]
        work.run()
    }
}

/// [`Normaliser::normalise_into`]'s arguments: its work, for pulp to compile once per
/// instruction set (a closure would be called, not inlined, into each copy).
struct Lanes<'a> {
    normaliser: &'a Normaliser,
    x: &'a [f64],
    direction: f64,
    reference: Option<usize>,
    ties: Ties,
    out: &'a mut Vec<f64>,
}

#[cfg(not(target_arch = "wasm32"))]
impl pulp::WithSimd for Lanes<'_> {
    type Output = Result<(), NormaliseError>;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> Self::Output {
        self.run()
    }
}

impl Lanes<'_> {
    /// The work, inlined into each instruction set's copy.
    #[inline(always)]
    fn run(self) -> Result<(), NormaliseError> {
        let Lanes {
            normaliser,
            x,
            direction,
            reference,
            ties,
            out,
        } = self;
        let start = out.len();
        // Only the normalisers that need them compute the column's statistics.
        let stats = || Stats::of(x);
        // The rank normalisers write by position.
        let slots = |out: &mut Vec<f64>| {
            out.resize(start + x.len(), f64::NAN);
            start
        };
        // Whether every value's result is known to be finite: `map` finds out as it writes
        // them; the rank normalisers' results are checked below.
        let finite = match *normaliser {
            Normaliser::Identity => map(x, out, |v| v),
            Normaliser::MinMax { l, u } => {
                let stats = stats();
                let range = stats.range()?;
                map(x, out, |v| (v - stats.min) / range * (u - l) + l)
            }
            Normaliser::ZScore { m, s } => {
                let count = present(x);
                let mean = mean(x, count);
                let sd = sd(x, count, mean)?;
                map(x, out, |v| (v - mean) / sd * s + m)
            }
            Normaliser::Rank => {
                let at = slots(out);
                ranks_ascending_by(x, &mut out[at..], ties);
                false
            }
            Normaliser::Borda => {
                let at = slots(out);
                ranks_ascending_by(x, &mut out[at..], ties);
                out[at..].iter_mut().for_each(|r| *r -= 1.0);
                false
            }
            Normaliser::PercentileRank => {
                let count = present(x);
                if count < 2 {
                    return Err(NormaliseError::TooFewValues {
                        needed: 2,
                        found: count,
                    });
                }
                let at = slots(out);
                ranks_ascending_by(x, &mut out[at..], ties);
                let denom = (count - 1) as f64;
                out[at..].iter_mut().for_each(|r| *r = (*r - 1.0) / denom);
                false
            }
            Normaliser::DistanceToMax => {
                let stats = stats();
                let range = stats.range()?;
                map(x, out, |v| 1.0 - (stats.max - v) / range)
            }
            Normaliser::FractionOfMax => {
                let stats = stats();
                stats.nonempty()?;
                if stats.max == 0.0 {
                    return Err(NormaliseError::ZeroMax);
                }
                map(x, out, |v| v / stats.max)
            }
            Normaliser::DistanceToReference { ref unit, cap } => {
                let stats = stats();
                let absent = || NormaliseError::ReferenceAbsent { unit: unit.clone() };
                let xr = reference
                    .map(|r| x[r])
                    .filter(|v| !v.is_nan())
                    .ok_or_else(absent)?;
                if xr == stats.min {
                    return Err(NormaliseError::ReferenceAtMinimum { unit: unit.clone() });
                }
                map(x, out, |v| capped(1.0 - (xr - v) / (xr - stats.min), cap))
            }
            Normaliser::DistanceToTarget { target, cap } => {
                let stats = stats();
                stats.nonempty()?;
                let t = direction * target.ok_or(NormaliseError::NoTarget)?;
                if t <= stats.min {
                    return Err(NormaliseError::TargetNotAboveMinimum {
                        target: direction * t,
                        worst: direction * stats.min,
                    });
                }
                map(x, out, |v| capped((v - stats.min) / (t - stats.min), cap))
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
        };
        // Values so large that a statistic or the result overflows (±1e308 in a min-max
        // column: the range is infinite) must not become a silent 0 or NaN.
        if finite {
            return Ok(());
        }
        if let Some(k) = super::scan::first_unfinished(x, &out[start..]) {
            return Err(NormaliseError::Overflow {
                value: x[k] * direction,
            });
        }
        Ok(())
    }
}

#[inline(always)]
fn capped(y: f64, cap: bool) -> f64 {
    if cap {
        y.min(1.0)
    } else {
        y
    }
}

/// Appends `f(v)` for each value `v` of `x` (NaN for a missing one), and tells whether every
/// present value's result is finite (`false`: not known).
#[inline(always)]
fn map(x: &[f64], out: &mut Vec<f64>, f: impl Fn(f64) -> f64) -> bool {
    // `f` runs on missing values too (it is arithmetic, without effects) and the missing
    // ones are then replaced: a select, not a branch, so the loop runs on vectors. Natively
    // the finiteness test rides along (a second pass over both columns cost more); in WASM,
    // whose size is budgeted, the caller's scan does it, once instead of in every copy.
    let mut finite = cfg!(not(target_arch = "wasm32"));
    out.extend(x.iter().map(|&v| {
        let y = f(v);
        if cfg!(not(target_arch = "wasm32")) {
            finite &= y.is_finite() | v.is_nan();
        }
        if v.is_nan() {
            f64::NAN
        } else {
            y
        }
    }));
    finite
}

/// How many values of `x` are present (not NaN).
fn present(x: &[f64]) -> usize {
    x.iter().filter(|v| !v.is_nan()).count()
}

/// The mean of the `count` present values, their sum exact and rounded once (the z-score's
/// centre).
fn mean(x: &[f64], count: usize) -> f64 {
    if count == 0 {
        return f64::NAN;
    }
    crate::sum::exact_sum(x.iter().copied().filter(|v| !v.is_nan())) / count as f64
}

/// The standard deviation (n − 1) of the `count` present values about `mean`.
fn sd(x: &[f64], count: usize, mean: f64) -> Result<f64, NormaliseError> {
    if count < 2 {
        return Err(NormaliseError::TooFewValues {
            needed: 2,
            found: count,
        });
    }
    let ss = crate::sum::exact_sum(
        x.iter()
            .filter(|v| !v.is_nan())
            .map(|v| (v - mean) * (v - mean)),
    );
    let sd = (ss / (count - 1) as f64).sqrt();
    if sd == 0.0 {
        let value = Stats::of(x).min;
        return Err(NormaliseError::ZeroSpread { value });
    }
    Ok(sd)
}

/// The least and greatest present values of a column (+∞ and −∞ when none is present).
struct Stats {
    min: f64,
    max: f64,
}

/// Lanes of the min/max pass: independent accumulators, so the pass runs at the machine's
/// throughput rather than one comparison's latency per value: four SSE2 vectors each for
/// the minimum and the maximum (a count in the same loop turned AVX code into shuffles).
/// Which of two equal values (0 and −0) is kept depends on it: the same number on every
/// target.
const LANES: usize = 8;

/// [`Stats::of`]'s work, for pulp to compile once per instruction set.
#[cfg(not(target_arch = "wasm32"))]
struct StatsOf<'a>(&'a [f64]);

#[cfg(not(target_arch = "wasm32"))]
impl pulp::WithSimd for StatsOf<'_> {
    type Output = Stats;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) -> Stats {
        let x = self.0;
        let (mut min, mut max) = ([f64::INFINITY; LANES], [f64::NEG_INFINITY; LANES]);
        if S::F64_LANES * 2 != LANES {
            return Stats::lanes(x, min, max, 0);
        }
        // Lane k takes values k, k + 8, … as the arrays do: vector 0 lanes 0–3, vector 1
        // lanes 4–7.
        let mut lo = [simd.splat_f64s(f64::INFINITY); 2];
        let mut hi = [simd.splat_f64s(f64::NEG_INFINITY); 2];
        let whole = x.len() - x.len() % LANES;
        for chunk in x[..whole].chunks_exact(LANES) {
            let (v, _) = S::as_simd_f64s(chunk);
            for k in 0..2 {
                lo[k] = simd.select_f64s(simd.less_than_f64s(v[k], lo[k]), v[k], lo[k]);
                hi[k] = simd.select_f64s(simd.greater_than_f64s(v[k], hi[k]), v[k], hi[k]);
            }
        }
        min.copy_from_slice(pulp::bytemuck::cast_slice(&lo));
        max.copy_from_slice(pulp::bytemuck::cast_slice(&hi));
        Stats::lanes(x, min, max, whole)
    }
}

impl Stats {
    /// Minimum and maximum of the present values. Comparisons only (`<`, `>`: NaN never
    /// wins one; of equal values the first is kept), so the result is the same on every
    /// target, WASM included. Natively with AVX, the eight lanes as two vectors, each
    /// comparison and select explicit (SSE2's two-operand min and max cost a register copy
    /// each: callgrind counted 3.4 instructions a value, against 1.6); elsewhere the same
    /// lanes as arrays.
    fn of(x: &[f64]) -> Stats {
        #[cfg(not(target_arch = "wasm32"))]
        return pulp::Arch::new().dispatch(StatsOf(x));
        #[cfg(target_arch = "wasm32")]
        Stats::lanes(x, [f64::INFINITY; LANES], [f64::NEG_INFINITY; LANES], 0)
    }

    /// The lanes' minima and maxima carried on over `x[from..]`, then the lanes combined in
    /// order.
    #[inline(always)]
    fn lanes(x: &[f64], mut min: [f64; LANES], mut max: [f64; LANES], from: usize) -> Stats {
        let chunks = x[from..].chunks_exact(LANES);
        let rest = chunks.remainder();
        for chunk in chunks {
            for k in 0..LANES {
                let v = chunk[k];
                min[k] = if v < min[k] { v } else { min[k] };
                max[k] = if v > max[k] { v } else { max[k] };
            }
        }
        for (k, &v) in rest.iter().enumerate() {
            min[k] = if v < min[k] { v } else { min[k] };
            max[k] = if v > max[k] { v } else { max[k] };
        }
        let mut s = Stats {
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

    /// An error when no value is present: then nothing beat the starting +∞ and −∞ (a
    /// present value, +∞ included, makes min ≤ max).
    fn nonempty(&self) -> Result<(), NormaliseError> {
        if self.min > self.max {
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

    /// Every normaliser, with the parameters the columns below need.
    fn every_normaliser() -> Vec<Normaliser> {
        use Normaliser::*;
        vec![
            Identity,
            MinMax { l: 0.0, u: 100.0 },
            MinMax { l: 1.0, u: 7.0 },
            ZScore { m: 10.0, s: 2.0 },
            Rank,
            Borda,
            PercentileRank,
            DistanceToMax,
            FractionOfMax,
            DistanceToReference {
                unit: "U3".into(),
                cap: true,
            },
            DistanceToTarget {
                target: Some(1e3),
                cap: false,
            },
            Goalposts {
                lo: -50.0,
                hi: 150.0,
                scale: 100.0,
                truncate: true,
            },
            FixedBounds {
                a: -3.0,
                b: 97.0,
                k: 1.0,
            },
        ]
    }

    /// Natively the work runs in the widest vectors the CPU has (pulp's dispatch); the
    /// baseline instruction set (pulp's `Scalar`: what every x86-64, and WASM, runs) must give
    /// the same bits, errors included, for every normaliser and for the columns' statistics.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn every_instruction_set_gives_the_same_bits() {
        use pulp::WithSimd;
        let mut seed = 11u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed >> 11
        };
        for len in [0usize, 1, 2, 3, 5, 8, 13, 64, 257, 1000] {
            for case in 0..6 {
                let x: Vec<f64> = (0..len)
                    .map(|_| match (next() % 16, case) {
                        (0, _) => NAN,
                        (1, _) => 0.0,
                        (2, _) => -0.0,
                        (_, 0) => (next() % 7) as f64,
                        (_, 1) => -((next() % 1000) as f64) / 7.0,
                        (_, 2) => 1e300 * (next() % 3) as f64,
                        _ => (next() as f64 / (1u64 << 53) as f64 - 0.3) * 123.456,
                    })
                    .collect();
                // The column's statistics (which of 0 and −0 is kept included).
                let (a, b) = (Stats::of(&x), StatsOf(&x).with_simd(pulp::Scalar::new()));
                let bits = |s: Stats| (s.min.to_bits(), s.max.to_bits());
                assert_eq!(bits(a), bits(b), "{x:?}");
                for normaliser in every_normaliser() {
                    for ties in [Ties::Exact, Ties::Auto] {
                        let (mut native, mut baseline) = (vec![7.0], vec![7.0]);
                        let r = (len > 3).then_some(3);
                        let a = normaliser.normalise_into(&x, -1.0, r, ties, &mut native);
                        let b = Lanes {
                            normaliser: &normaliser,
                            x: &x,
                            direction: -1.0,
                            reference: r,
                            ties,
                            out: &mut baseline,
                        }
                        .with_simd(pulp::Scalar::new());
                        let what = format!("{normaliser:?} {ties:?} on {x:?}");
                        assert_eq!(a, b, "{what}");
                        let bits = |v: &[f64]| v.iter().map(|y| y.to_bits()).collect::<Vec<_>>();
                        if a.is_ok() {
                            assert_eq!(bits(&native), bits(&baseline), "{what}");
                        }
                    }
                }
            }
        }
    }

    /// A result that overflows is an error naming the value that gave it, wherever it is in
    /// the column (the test rides along the normalisation's own pass); a missing value does
    /// not count.
    #[test]
    fn a_result_that_overflows_names_its_value() {
        let huge = Normaliser::FixedBounds {
            a: 0.0,
            b: 1e-300,
            k: 1e300,
        };
        for len in [1usize, 4, 9, 300] {
            for at in [0, len / 2, len - 1] {
                let mut x = vec![0.0; len];
                x[at] = 5.0;
                assert_eq!(
                    huge.normalise(&x),
                    Err(NormaliseError::Overflow { value: 5.0 }),
                    "{len} {at}"
                );
                x[at] = NAN;
                let out = huge.normalise(&x).expect("nothing overflows");
                assert!(out[at].is_nan() && out.iter().filter(|v| v.is_nan()).count() == 1);
            }
        }
        let mm = Normaliser::MinMax { l: 0.0, u: 1.0 };
        assert_eq!(
            mm.normalise(&[1e308, NAN, -1e308]),
            Err(NormaliseError::Overflow { value: 1e308 })
        );
    }

    /// A column with no value present has no minimum or maximum; one whose values are all
    /// infinite has them (and then overflows).
    #[test]
    fn no_value_present_is_too_few_values() {
        let none = Err(NormaliseError::TooFewValues {
            needed: 1,
            found: 0,
        });
        for normaliser in [
            Normaliser::MinMax { l: 0.0, u: 1.0 },
            Normaliser::DistanceToMax,
            Normaliser::FractionOfMax,
            Normaliser::DistanceToTarget {
                target: Some(1.0),
                cap: true,
            },
        ] {
            for x in [&[][..], &[NAN], &[NAN; 9]] {
                assert_eq!(normaliser.normalise(x), none, "{normaliser:?} {x:?}");
            }
            let inf = normaliser.normalise(&[f64::INFINITY, NAN, f64::INFINITY]);
            assert!(inf.is_err() && inf != none, "{normaliser:?}: {inf:?}");
        }
    }
}
