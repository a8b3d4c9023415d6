//! How the internally tagged enums of the schema ([`Normaliser`], [`Aggregator`], [`Rule`])
//! are read: each through a flat struct — the tag and every parameter of every variant, all
//! optional — converted to the enum with the variant's defaults.
//!
//! Serde's own reading of an internally tagged enum buffers each object in a generic tree
//! (`Content`) and reads it a second time; that code, for every such enum and every type
//! nested in one, was a tenth of the WebAssembly module. A plain struct is read in one pass.
//! The messages match serde's: an unknown tag lists the accepted ones, a missing parameter
//! is `missing field`, a parameter the variant does not take is `unknown field`.
//! Writing still uses the derived `Serialize` (the tag and the variant's fields).

use serde::Deserialize;

use crate::framework::{Aggregator, Level, Rule, Step};
use crate::normalise::Normaliser;

/// Refuses a parameter that is given but not one the variant `takes`.
fn only(given: &[(&str, bool)], takes: &[&str]) -> Result<(), String> {
    match given.iter().find(|(n, set)| *set && !takes.contains(n)) {
        None => Ok(()),
        Some((name, _)) if takes.is_empty() => {
            Err(format!("unknown field `{name}`, expected no parameters"))
        }
        Some((name, _)) => Err(format!(
            "unknown field `{name}`, expected one of `{}`",
            takes.join("`, `")
        )),
    }
}

/// A required parameter.
fn need<T>(v: Option<T>, name: &str) -> Result<T, String> {
    v.ok_or_else(|| format!("missing field `{name}`"))
}

/// The methods of [`Normaliser`], by their serde names.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum NormaliserMethod {
    None,
    MinMax,
    ZScore,
    Rank,
    Borda,
    PercentileRank,
    DistanceToMax,
    FractionOfMax,
    DistanceToReference,
    DistanceToTarget,
    Goalposts,
    FixedBounds,
}

/// How a [`Normaliser`] is read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NormaliserForm {
    method: NormaliserMethod,
    l: Option<f64>,
    u: Option<f64>,
    m: Option<f64>,
    s: Option<f64>,
    unit: Option<String>,
    cap: Option<bool>,
    target: Option<f64>,
    lo: Option<f64>,
    hi: Option<f64>,
    scale: Option<f64>,
    truncate: Option<bool>,
    a: Option<f64>,
    b: Option<f64>,
    k: Option<f64>,
}

impl TryFrom<NormaliserForm> for Normaliser {
    type Error = String;

    fn try_from(f: NormaliserForm) -> Result<Self, String> {
        let given = [
            ("l", f.l.is_some()),
            ("u", f.u.is_some()),
            ("m", f.m.is_some()),
            ("s", f.s.is_some()),
            ("unit", f.unit.is_some()),
            ("cap", f.cap.is_some()),
            ("target", f.target.is_some()),
            ("lo", f.lo.is_some()),
            ("hi", f.hi.is_some()),
            ("scale", f.scale.is_some()),
            ("truncate", f.truncate.is_some()),
            ("a", f.a.is_some()),
            ("b", f.b.is_some()),
            ("k", f.k.is_some()),
        ];
        let takes: &[&str] = match f.method {
            NormaliserMethod::MinMax => &["l", "u"],
            NormaliserMethod::ZScore => &["m", "s"],
            NormaliserMethod::DistanceToReference => &["unit", "cap"],
            NormaliserMethod::DistanceToTarget => &["target", "cap"],
            NormaliserMethod::Goalposts => &["lo", "hi", "scale", "truncate"],
            NormaliserMethod::FixedBounds => &["a", "b", "k"],
            _ => &[],
        };
        only(&given, takes)?;
        Ok(match f.method {
            NormaliserMethod::None => Normaliser::Identity,
            NormaliserMethod::MinMax => Normaliser::MinMax {
                l: f.l.unwrap_or(0.0),
                u: f.u.unwrap_or(1.0),
            },
            NormaliserMethod::ZScore => Normaliser::ZScore {
                m: f.m.unwrap_or(0.0),
                s: f.s.unwrap_or(1.0),
            },
            NormaliserMethod::Rank => Normaliser::Rank,
            NormaliserMethod::Borda => Normaliser::Borda,
            NormaliserMethod::PercentileRank => Normaliser::PercentileRank,
            NormaliserMethod::DistanceToMax => Normaliser::DistanceToMax,
            NormaliserMethod::FractionOfMax => Normaliser::FractionOfMax,
            NormaliserMethod::DistanceToReference => Normaliser::DistanceToReference {
                unit: need(f.unit, "unit")?,
                cap: f.cap.unwrap_or(false),
            },
            NormaliserMethod::DistanceToTarget => Normaliser::DistanceToTarget {
                target: f.target,
                cap: f.cap.unwrap_or(false),
            },
            NormaliserMethod::Goalposts => Normaliser::Goalposts {
                lo: need(f.lo, "lo")?,
                hi: need(f.hi, "hi")?,
                scale: f.scale.unwrap_or(1.0),
                truncate: f.truncate.unwrap_or(true),
            },
            NormaliserMethod::FixedBounds => Normaliser::FixedBounds {
                a: need(f.a, "a")?,
                b: need(f.b, "b")?,
                k: f.k.unwrap_or(100.0),
            },
        })
    }
}

/// The methods of [`Aggregator`], by their serde names.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum AggregatorMethod {
    PointsSum,
    WeightedMean,
    GeometricMean,
    HarmonicMean,
    GeneralisedMean,
    WeightedMedian,
    Copeland,
}

/// How an [`Aggregator`] is read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AggregatorForm {
    method: AggregatorMethod,
    p: Option<f64>,
}

impl TryFrom<AggregatorForm> for Aggregator {
    type Error = String;

    fn try_from(f: AggregatorForm) -> Result<Self, String> {
        let generalised = matches!(f.method, AggregatorMethod::GeneralisedMean);
        only(
            &[("p", f.p.is_some())],
            if generalised { &["p"] } else { &[] },
        )?;
        Ok(match f.method {
            AggregatorMethod::PointsSum => Aggregator::PointsSum,
            AggregatorMethod::WeightedMean => Aggregator::WeightedMean,
            AggregatorMethod::GeometricMean => Aggregator::GeometricMean,
            AggregatorMethod::HarmonicMean => Aggregator::HarmonicMean,
            AggregatorMethod::GeneralisedMean => Aggregator::GeneralisedMean { p: need(f.p, "p")? },
            AggregatorMethod::WeightedMedian => Aggregator::WeightedMedian,
            AggregatorMethod::Copeland => Aggregator::Copeland,
        })
    }
}

/// The types of [`Rule`], by their serde names.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RuleType {
    Value,
    Ratio,
    Percent,
    Steps,
    Levels,
    YesNo,
    Normalised,
}

/// How a [`Rule`] is read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleForm {
    r#type: RuleType,
    steps: Option<Vec<Step>>,
    levels: Option<Vec<Level>>,
    normaliser: Option<Normaliser>,
}

impl TryFrom<RuleForm> for Rule {
    type Error = String;

    fn try_from(f: RuleForm) -> Result<Self, String> {
        let given = [
            ("steps", f.steps.is_some()),
            ("levels", f.levels.is_some()),
            ("normaliser", f.normaliser.is_some()),
        ];
        only(
            &given,
            match f.r#type {
                RuleType::Steps => &["steps"],
                RuleType::Levels => &["levels"],
                RuleType::Normalised => &["normaliser"],
                _ => &[],
            },
        )?;
        Ok(match f.r#type {
            RuleType::Value => Rule::Value,
            RuleType::Ratio => Rule::Ratio,
            RuleType::Percent => Rule::Percent,
            RuleType::Steps => Rule::Steps {
                steps: need(f.steps, "steps")?,
            },
            RuleType::Levels => Rule::Levels {
                levels: need(f.levels, "levels")?,
            },
            RuleType::YesNo => Rule::YesNo,
            RuleType::Normalised => Rule::Normalised {
                normaliser: f.normaliser,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn aggregators_read_and_round_trip() {
        use Aggregator::*;
        for (json, want) in [
            (r#"{"method": "points_sum"}"#, PointsSum),
            (r#"{"method": "weighted_mean"}"#, WeightedMean),
            (r#"{"method": "geometric_mean"}"#, GeometricMean),
            (r#"{"method": "harmonic_mean"}"#, HarmonicMean),
            (
                r#"{"p": 2, "method": "generalised_mean"}"#,
                GeneralisedMean { p: 2.0 },
            ),
            (r#"{"method": "weighted_median"}"#, WeightedMedian),
            (r#"{"method": "copeland"}"#, Copeland),
        ] {
            let got: Aggregator = read(json).unwrap();
            assert_eq!(got, want, "{json}");
            let again: Aggregator = read(&serde_json::to_string(&got).unwrap()).unwrap();
            assert_eq!(again, want);
        }
        let e = read::<Aggregator>(r#"{"method": "generalised_mean"}"#).unwrap_err();
        assert!(e.starts_with("missing field `p`"), "{e}");
        let e = read::<Aggregator>(r#"{"method": "weighted_mean", "p": 2}"#).unwrap_err();
        assert!(
            e.starts_with("unknown field `p`, expected no parameters"),
            "{e}"
        );
        let e = read::<Aggregator>(r#"{"method": "mean"}"#).unwrap_err();
        assert!(
            e.starts_with("unknown variant `mean`, expected one of `points_sum`"),
            "{e}"
        );
    }

    #[test]
    fn rules_read_and_round_trip() {
        let steps = vec![
            Step {
                at: 1.0,
                points: 5.0,
            },
            Step {
                at: 4.0,
                points: 20.0,
            },
        ];
        for (json, want) in [
            (r#"{"type": "value"}"#, Rule::Value),
            (r#"{"type": "ratio"}"#, Rule::Ratio),
            (r#"{"type": "percent"}"#, Rule::Percent),
            (r#"{"type": "yes_no"}"#, Rule::YesNo),
            (
                r#"{"type": "steps", "steps": [{"at": 1, "points": 5}, {"at": 4, "points": 20}]}"#,
                Rule::Steps { steps },
            ),
            (
                r#"{"levels": [{"label": "chairman", "fraction": 1}], "type": "levels"}"#,
                Rule::Levels {
                    levels: vec![Level {
                        label: "chairman".into(),
                        fraction: 1.0,
                    }],
                },
            ),
            (
                r#"{"type": "normalised"}"#,
                Rule::Normalised { normaliser: None },
            ),
            (
                r#"{"type": "normalised", "normaliser": {"method": "rank"}}"#,
                Rule::Normalised {
                    normaliser: Some(Normaliser::Rank),
                },
            ),
        ] {
            let got: Rule = read(json).unwrap();
            assert_eq!(got, want, "{json}");
            let again: Rule = read(&serde_json::to_string(&got).unwrap()).unwrap();
            assert_eq!(again, want);
        }
        let e = read::<Rule>(r#"{"type": "steps"}"#).unwrap_err();
        assert!(e.starts_with("missing field `steps`"), "{e}");
        let e = read::<Rule>(r#"{"type": "ratio", "levels": []}"#).unwrap_err();
        assert!(
            e.starts_with("unknown field `levels`, expected no parameters"),
            "{e}"
        );
        let e = read::<Rule>(r#"{"type": "value", "scale": 2}"#).unwrap_err();
        assert!(e.starts_with("unknown field `scale`"), "{e}");
        let e =
            read::<Rule>(r#"{"type": "normalised", "normaliser": {"method": "x"}}"#).unwrap_err();
        assert!(e.starts_with("unknown variant `x`"), "{e}");
    }
}
