//! The short method specifications of the COINr pipeline (`minmax:0,100`, `geometric`,
//! `group-mean:Region`, `winsor:5`, …), one grammar for every surface: the command's `dti coin`
//! options, Python's `coin(normalise="minmax:0,100")`. A bad one is an error that says what
//! the method takes.
//!
//! ```
//! use dti_core::analyses::specs;
//! assert_eq!(specs::normaliser("minmax:0,100"), Ok(dti_core::Normaliser::MinMax { l: 0.0, u: 100.0 }));
//! assert!(specs::aggregator("genmean:0").unwrap_err().contains("p ≠ 0"));
//! ```

use crate::methods::treat::Treatment;
use crate::model::choices::{Imputation, Normaliser};
use crate::model::definition::Aggregator;

fn nums(args: &str, n: usize, what: &str) -> Result<Vec<f64>, String> {
    let v: Result<Vec<f64>, _> = args.split(',').map(|s| s.trim().parse::<f64>()).collect();
    match v {
        Ok(v) if v.len() == n && v.iter().all(|x| x.is_finite()) => Ok(v),
        _ => Err(format!(
            "{what} takes {n} finite number(s) separated by commas, got '{args}'"
        )),
    }
}

/// A share in [0, 1] (`--screen`).
pub fn share(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("a share of indicators in [0, 1], got '{s}'")),
    }
}

/// A normaliser: `minmax[:l,u]`, `zscore[:m,s]`, `rank`, `borda`, `prank`, `dist2max`,
/// `fracmax`, `dist2ref:UNIT[,cap]`, `dist2targ[:cap]`, `goalposts:lo,hi[,scale]`,
/// `fixed:a,b[,k]`, `none`.
pub fn normaliser(spec: &str) -> Result<Normaliser, String> {
    let (name, args) = spec.split_once(':').unwrap_or((spec, ""));
    Ok(match name {
        "minmax" if args.is_empty() => Normaliser::MinMax { l: 0.0, u: 100.0 },
        "minmax" => {
            let v = nums(args, 2, "minmax")?;
            if v[0] >= v[1] {
                return Err(format!("minmax:l,u needs l < u, got '{args}'"));
            }
            Normaliser::MinMax { l: v[0], u: v[1] }
        }
        "zscore" if args.is_empty() => Normaliser::ZScore { m: 0.0, s: 1.0 },
        "zscore" => {
            let v = nums(args, 2, "zscore")?;
            if v[1] <= 0.0 {
                return Err(format!("zscore:m,s needs a positive s, got '{args}'"));
            }
            Normaliser::ZScore { m: v[0], s: v[1] }
        }
        "rank" => Normaliser::Rank,
        "borda" => Normaliser::Borda,
        "prank" => Normaliser::PercentileRank,
        "dist2max" => Normaliser::DistanceToMax,
        "fracmax" => Normaliser::FractionOfMax,
        "none" => Normaliser::Identity,
        "dist2ref" => {
            let (unit, cap) = args.split_once(',').unwrap_or((args, ""));
            if unit.is_empty() {
                return Err("dist2ref needs a reference unit: dist2ref:UNIT[,cap]".to_owned());
            }
            Normaliser::DistanceToReference {
                unit: unit.to_owned(),
                cap: cap == "cap",
            }
        }
        "dist2targ" => Normaliser::DistanceToTarget {
            target: None,
            cap: args == "cap",
        },
        "goalposts" => {
            let v: Vec<&str> = args.split(',').collect();
            let v = nums(args, v.len().clamp(2, 3), "goalposts")?;
            if v[0] == v[1] {
                return Err(format!("goalposts:lo,hi needs lo ≠ hi, got '{args}'"));
            }
            Normaliser::Goalposts {
                lo: v[0],
                hi: v[1],
                scale: v.get(2).copied().unwrap_or(1.0),
                truncate: true,
            }
        }
        "fixed" => {
            let v: Vec<&str> = args.split(',').collect();
            let v = nums(args, v.len().clamp(2, 3), "fixed")?;
            if v[0] == v[1] {
                return Err(format!("fixed:a,b needs a ≠ b, got '{args}'"));
            }
            Normaliser::FixedBounds {
                a: v[0],
                b: v[1],
                k: v.get(2).copied().unwrap_or(100.0),
            }
        }
        other => {
            return Err(format!(
                "unknown normaliser '{other}': minmax[:l,u], zscore[:m,s], rank, borda, prank, dist2max, fracmax, dist2ref:UNIT[,cap], dist2targ[:cap], goalposts:lo,hi[,scale], fixed:a,b[,k] or none"
            ))
        }
    })
}

/// An aggregator: `mean`, `geometric`, `harmonic`, `genmean:p`, `median`, `copeland`,
/// `points`.
pub fn aggregator(spec: &str) -> Result<Aggregator, String> {
    let (name, args) = spec.split_once(':').unwrap_or((spec, ""));
    Ok(match name {
        "mean" | "arithmetic" => Aggregator::WeightedMean,
        "geometric" => Aggregator::GeometricMean,
        "harmonic" => Aggregator::HarmonicMean,
        "genmean" => match nums(args, 1, "genmean")?[0] {
            0.0 => return Err("genmean:p needs p ≠ 0 (p = 0 is the geometric mean)".to_owned()),
            p => Aggregator::GeneralisedMean { p },
        },
        "median" => Aggregator::WeightedMedian,
        "copeland" => Aggregator::Copeland,
        "points" => Aggregator::PointsSum,
        other => {
            return Err(format!(
                "unknown aggregator '{other}': mean, geometric, harmonic, genmean:p, median, copeland or points"
            ))
        }
    })
}

/// An imputation: `mean`, `median`, `group-mean:COL`, `group-median:COL`, `latest`,
/// `interpolate`.
pub fn imputation(spec: &str) -> Result<Imputation, String> {
    let (name, args) = spec.split_once(':').unwrap_or((spec, ""));
    Ok(match name {
        "mean" => Imputation::Mean,
        "median" => Imputation::Median,
        "group-mean" if !args.is_empty() => Imputation::GroupMean {
            group: args.to_owned(),
        },
        "group-median" if !args.is_empty() => Imputation::GroupMedian {
            group: args.to_owned(),
        },
        "latest" => Imputation::LatestEarlier,
        "interpolate" => Imputation::Interpolate,
        other => {
            return Err(format!(
                "unknown imputation '{other}': mean, median, group-mean:COLUMN, group-median:COLUMN, latest or interpolate"
            ))
        }
    })
}

/// A treatment: `default`, or `winsor:N[,skew,kurtosis]`.
pub fn treatment(spec: &str) -> Result<Treatment, String> {
    let (name, args) = spec.split_once(':').unwrap_or((spec, ""));
    match name {
        "default" => Ok(Treatment::default()),
        "winsor" => {
            let parts: Vec<&str> = args.split(',').collect();
            let v = nums(args, parts.len().clamp(1, 3), "winsor")?;
            let d = Treatment::default();
            // At most 10,000 points: more than any indicator column this tool scores by hand.
            if v[0] < 0.0 || v[0].fract() != 0.0 || v[0] > 10_000.0 {
                return Err(format!(
                    "winsor:N needs a whole number of points from 0 to 10000, got '{}'",
                    parts[0]
                ));
            }
            if v[1..].iter().any(|x| *x <= 0.0) {
                return Err(format!(
                    "winsor:N,skew,kurtosis needs positive thresholds, got '{args}'"
                ));
            }
            Ok(Treatment::default()
                .max_winsorised(v[0] as usize)
                .skew(v.get(1).copied().unwrap_or(d.skew))
                .kurtosis(v.get(2).copied().unwrap_or(d.kurtosis)))
        }
        other => Err(format!(
            "unknown treatment '{other}': default or winsor:N[,skew,kurtosis]"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        assert_eq!(
            normaliser("minmax:0,100").unwrap(),
            Normaliser::MinMax { l: 0.0, u: 100.0 }
        );
        assert_eq!(
            normaliser("zscore:0,1").unwrap(),
            Normaliser::ZScore { m: 0.0, s: 1.0 }
        );
        assert_eq!(
            normaliser("goalposts:2,20,100").unwrap(),
            Normaliser::Goalposts {
                lo: 2.0,
                hi: 20.0,
                scale: 100.0,
                truncate: true
            }
        );
        assert!(normaliser("minmax:0").is_err());
        assert!(normaliser("nope").is_err());
        assert_eq!(aggregator("geometric").unwrap(), Aggregator::GeometricMean);
        assert_eq!(
            aggregator("genmean:2").unwrap(),
            Aggregator::GeneralisedMean { p: 2.0 }
        );
        assert_eq!(
            imputation("group-mean:Region").unwrap(),
            Imputation::GroupMean {
                group: "Region".into()
            }
        );
        assert_eq!(treatment("winsor:3").unwrap().max_winsorised, 3);
    }

    #[test]
    fn bad_values_are_refused() {
        for bad in [
            "winsor:-1",
            "winsor:2.5",
            "winsor:NaN",
            "winsor:3,0",
            "winsor:1e9",
        ] {
            assert!(treatment(bad).is_err(), "{bad}");
        }
        for bad in [
            "minmax:1,0",
            "minmax:0,inf",
            "zscore:0,0",
            "goalposts:3,3",
            "fixed:NaN,1",
        ] {
            assert!(normaliser(bad).is_err(), "{bad}");
        }
        assert!(aggregator("genmean:0").is_err());
        assert!(aggregator("genmean:NaN").is_err());
        for bad in ["NaN", "-0.1", "1.5", "inf", "x"] {
            assert!(share(bad).is_err(), "{bad}");
        }
        assert_eq!(share("0.65"), Ok(0.65));
    }
}
