//! How the internally tagged enums of the schema and the inputs are read ([`Normaliser`],
//! [`Aggregator`], [`Rule`], [`Imputation`], [`ValueOp`], [`InputErrorKind`]) and the
//! structs that carry one flattened ([`ValueChange`], [`InputError`], [`Uncertain`]): each
//! through a flat struct — the tag and every parameter of every variant, all optional —
//! converted to the enum with the variant's defaults.
//!
//! Serde's own reading of an internally tagged enum (or of a flattened field) buffers each
//! object in a generic tree (`Content`) and reads it a second time; that code, for every such
//! enum and every type nested in one, was a tenth of the WebAssembly module. A plain struct
//! is read in one pass. The messages match serde's: an unknown tag lists the accepted ones, a
//! missing parameter is `missing field`, a parameter the variant does not take is
//! `unknown field`. Writing still uses the derived `Serialize` (the tag and the variant's
//! fields).

use serde::Deserialize;

use crate::error::{InputError, InputErrorKind};
use crate::model::choices::Imputation;
use crate::model::choices::Normaliser;
use crate::model::definition::{Aggregator, Level, Rule, Step};

/// Refuses a parameter that is given but not one the variant `takes`.
pub(crate) fn only(given: &[(&str, bool)], takes: &[&str]) -> Result<(), String> {
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
pub(crate) fn need<T>(v: Option<T>, name: &str) -> Result<T, String> {
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

/// How a [`Normaliser`], an [`Aggregator`] or an [`Imputation`] is read: the method and the
/// parameters of every method (the three share one form so that an uncertain input's
/// alternatives, whose kind the input names, are read in one pass too).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MethodForm {
    method: String,
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
    p: Option<f64>,
    group: Option<String>,
}

impl MethodForm {
    /// Every parameter, by name, and whether it is given.
    fn given(&self) -> [(&'static str, bool); 16] {
        [
            ("l", self.l.is_some()),
            ("u", self.u.is_some()),
            ("m", self.m.is_some()),
            ("s", self.s.is_some()),
            ("unit", self.unit.is_some()),
            ("cap", self.cap.is_some()),
            ("target", self.target.is_some()),
            ("lo", self.lo.is_some()),
            ("hi", self.hi.is_some()),
            ("scale", self.scale.is_some()),
            ("truncate", self.truncate.is_some()),
            ("a", self.a.is_some()),
            ("b", self.b.is_some()),
            ("k", self.k.is_some()),
            ("p", self.p.is_some()),
            ("group", self.group.is_some()),
        ]
    }
}

/// A method name read as one of `T`'s (the message lists the accepted names).
fn method<T: serde::de::DeserializeOwned>(name: &str) -> Result<T, String> {
    use serde::de::IntoDeserializer;
    T::deserialize(IntoDeserializer::<serde::de::value::Error>::into_deserializer(name))
        .map_err(|e| e.to_string())
}

impl TryFrom<MethodForm> for Normaliser {
    type Error = String;

    fn try_from(f: MethodForm) -> Result<Self, String> {
        let kind: NormaliserMethod = method(&f.method)?;
        let takes: &[&str] = match kind {
            NormaliserMethod::MinMax => &["l", "u"],
            NormaliserMethod::ZScore => &["m", "s"],
            NormaliserMethod::DistanceToReference => &["unit", "cap"],
            NormaliserMethod::DistanceToTarget => &["target", "cap"],
            NormaliserMethod::Goalposts => &["lo", "hi", "scale", "truncate"],
            NormaliserMethod::FixedBounds => &["a", "b", "k"],
            _ => &[],
        };
        only(&f.given(), takes)?;
        Ok(match kind {
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

impl TryFrom<MethodForm> for Aggregator {
    type Error = String;

    fn try_from(f: MethodForm) -> Result<Self, String> {
        let kind: AggregatorMethod = method(&f.method)?;
        let generalised = matches!(kind, AggregatorMethod::GeneralisedMean);
        only(&f.given(), if generalised { &["p"] } else { &[] })?;
        Ok(match kind {
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
    whole: Option<bool>,
    levels: Option<Vec<Level>>,
    normaliser: Option<Normaliser>,
}

impl TryFrom<RuleForm> for Rule {
    type Error = String;

    fn try_from(f: RuleForm) -> Result<Self, String> {
        let given = [
            ("steps", f.steps.is_some()),
            ("whole", f.whole.is_some()),
            ("levels", f.levels.is_some()),
            ("normaliser", f.normaliser.is_some()),
        ];
        only(
            &given,
            match f.r#type {
                RuleType::Steps => &["steps", "whole"],
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
                whole: f.whole.unwrap_or(false),
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

/// The methods of [`Imputation`], by their serde names.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ImputationMethod {
    Mean,
    Median,
    GroupMean,
    GroupMedian,
    LatestEarlier,
    Interpolate,
}

impl TryFrom<MethodForm> for Imputation {
    type Error = String;

    fn try_from(f: MethodForm) -> Result<Self, String> {
        use ImputationMethod as M;
        let kind: ImputationMethod = method(&f.method)?;
        let grouped = matches!(kind, M::GroupMean | M::GroupMedian);
        only(&f.given(), if grouped { &["group"] } else { &[] })?;
        Ok(match kind {
            M::Mean => Imputation::Mean,
            M::Median => Imputation::Median,
            M::GroupMean => Imputation::GroupMean {
                group: need(f.group, "group")?,
            },
            M::GroupMedian => Imputation::GroupMedian {
                group: need(f.group, "group")?,
            },
            M::LatestEarlier => Imputation::LatestEarlier,
            M::Interpolate => Imputation::Interpolate,
        })
    }
}

/// A field whose type depends on the variant: a number, a text or a list of texts
/// (`value` is a number in most input errors and a text in `not_finite`; `expected` a list
/// in `unknown_level` and a text in `wrong_type`).
enum Loose {
    Number(f64),
    Text(String),
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Loose, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Loose;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number, a text or a list of texts")
            }
            fn visit_f64<E>(self, v: f64) -> Result<Loose, E> {
                Ok(Loose::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Loose, E> {
                Ok(Loose::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Loose, E> {
                Ok(Loose::Number(v as f64))
            }
            fn visit_str<E>(self, v: &str) -> Result<Loose, E> {
                Ok(Loose::Text(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Loose, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    out.push(s);
                }
                Ok(Loose::List(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A required number.
fn number(v: Option<Loose>, name: &str) -> Result<f64, String> {
    match need(v, name)? {
        Loose::Number(x) => Ok(x),
        _ => Err(format!(
            "invalid type for field `{name}`: expected a number"
        )),
    }
}

/// A required text.
fn text(v: Option<Loose>, name: &str) -> Result<String, String> {
    match need(v, name)? {
        Loose::Text(x) => Ok(x),
        _ => Err(format!("invalid type for field `{name}`: expected a text")),
    }
}

/// A required list of texts.
fn texts(v: Option<Loose>, name: &str) -> Result<Vec<String>, String> {
    match need(v, name)? {
        Loose::List(x) => Ok(x),
        _ => Err(format!(
            "invalid type for field `{name}`: expected a list of texts"
        )),
    }
}

/// The codes of [`InputErrorKind`], by their serde names.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum InputErrorCode {
    UnknownIndicator,
    NotFinite,
    NegativeCount,
    ZeroDenominator,
    NumeratorAboveDenominator,
    PercentOutOfRange,
    ValueOutOfRange,
    UnknownLevel,
    WrongType,
    EmptyEntry,
    DuplicateUnit,
    EmptyUnitId,
    NotWhole,
    PeriodOutOfRange,
    Missing,
    UnpublishedWeights,
    NodeAndDescendant,
}

/// How an [`InputError`] and an [`InputErrorKind`] are read: the location (required for an
/// error, ignored for a kind), the code and every variant's fields, flat as they are written.
/// Unknown fields are ignored, as the derived reading did (a report may come from a newer
/// version).
#[derive(Deserialize)]
pub(crate) struct InputErrorForm {
    row: Option<usize>,
    unit: Option<String>,
    period: Option<i32>,
    indicator: Option<String>,
    code: InputErrorCode,
    suggestion: Option<String>,
    value: Option<Loose>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    label: Option<String>,
    expected: Option<Loose>,
    found: Option<String>,
    first_row: Option<usize>,
    children: Option<Vec<String>>,
    descendant: Option<String>,
}

impl TryFrom<InputErrorForm> for InputErrorKind {
    type Error = String;

    fn try_from(f: InputErrorForm) -> Result<Self, String> {
        use InputErrorCode as C;
        Ok(match f.code {
            C::UnknownIndicator => InputErrorKind::UnknownIndicator {
                suggestion: f.suggestion,
            },
            C::NotFinite => InputErrorKind::NotFinite {
                value: text(f.value, "value")?,
            },
            C::NegativeCount => InputErrorKind::NegativeCount {
                value: number(f.value, "value")?,
            },
            C::ZeroDenominator => InputErrorKind::ZeroDenominator {
                numerator: need(f.numerator, "numerator")?,
            },
            C::NumeratorAboveDenominator => InputErrorKind::NumeratorAboveDenominator {
                numerator: need(f.numerator, "numerator")?,
                denominator: need(f.denominator, "denominator")?,
            },
            C::PercentOutOfRange => InputErrorKind::PercentOutOfRange {
                value: number(f.value, "value")?,
            },
            C::ValueOutOfRange => InputErrorKind::ValueOutOfRange {
                value: number(f.value, "value")?,
            },
            C::UnknownLevel => InputErrorKind::UnknownLevel {
                label: need(f.label, "label")?,
                expected: texts(f.expected, "expected")?,
            },
            C::WrongType => InputErrorKind::WrongType {
                expected: text(f.expected, "expected")?,
                found: need(f.found, "found")?,
            },
            C::EmptyEntry => InputErrorKind::EmptyEntry,
            C::DuplicateUnit => InputErrorKind::DuplicateUnit {
                first_row: need(f.first_row, "first_row")?,
            },
            C::EmptyUnitId => InputErrorKind::EmptyUnitId,
            C::NotWhole => InputErrorKind::NotWhole {
                value: number(f.value, "value")?,
            },
            C::PeriodOutOfRange => InputErrorKind::PeriodOutOfRange,
            C::Missing => InputErrorKind::Missing,
            C::UnpublishedWeights => InputErrorKind::UnpublishedWeights {
                children: need(f.children, "children")?,
            },
            C::NodeAndDescendant => InputErrorKind::NodeAndDescendant {
                descendant: need(f.descendant, "descendant")?,
            },
        })
    }
}

impl TryFrom<InputErrorForm> for InputError {
    type Error = String;

    fn try_from(mut f: InputErrorForm) -> Result<Self, String> {
        Ok(InputError {
            row: need(f.row.take(), "row")?,
            unit: need(f.unit.take(), "unit")?,
            period: f.period.take(),
            indicator: f.indicator.take(),
            kind: f.try_into()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // The analyses' forms are in analyses/forms.rs; their reading is tested here beside the
    // model's, through the types.
    use crate::analyses::{Uncertain, UncertainKind, ValueChange, ValueOp};
    use crate::model::input::Value;

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
                Rule::Steps {
                    steps: steps.clone(),
                    whole: false,
                },
            ),
            (
                r#"{"type": "steps", "whole": true, "steps": [{"at": 1, "points": 5}, {"at": 4, "points": 20}]}"#,
                Rule::Steps { steps, whole: true },
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

    #[test]
    fn imputations_and_value_changes_read_and_round_trip() {
        for want in [
            Imputation::Mean,
            Imputation::Median,
            Imputation::GroupMean {
                group: "region".into(),
            },
            Imputation::GroupMedian {
                group: "region".into(),
            },
            Imputation::LatestEarlier,
            Imputation::Interpolate,
        ] {
            let json = serde_json::to_string(&want).unwrap();
            assert_eq!(read::<Imputation>(&json).unwrap(), want, "{json}");
        }
        let e = read::<Imputation>(r#"{"method": "group_mean"}"#).unwrap_err();
        assert!(e.starts_with("missing field `group`"), "{e}");
        let e = read::<Imputation>(r#"{"method": "mean", "group": "region"}"#).unwrap_err();
        assert!(
            e.starts_with("unknown field `group`, expected no parameters"),
            "{e}"
        );

        for op in [
            ValueOp::Set {
                value: Value::Label("chairman".into()),
            },
            ValueOp::Add { by: 0.05 },
            ValueOp::Scale { by: 1.1 },
        ] {
            let json = serde_json::to_string(&op).unwrap();
            assert_eq!(read::<ValueOp>(&json).unwrap(), op, "{json}");
            for period in [None, Some(2023)] {
                let c = ValueChange {
                    unit: "HN".into(),
                    period,
                    indicator: "GOV".into(),
                    op: op.clone(),
                };
                let json = serde_json::to_string(&c).unwrap();
                assert_eq!(read::<ValueChange>(&json).unwrap(), c, "{json}");
            }
        }
        let e =
            read::<ValueChange>(r#"{"unit": "HN", "indicator": "GOV", "op": "add", "value": 1}"#)
                .unwrap_err();
        assert!(
            e.starts_with("unknown field `value`, expected one of `by`"),
            "{e}"
        );
        let e =
            read::<ValueChange>(r#"{"unit": "HN", "indicator": "GOV", "op": "set"}"#).unwrap_err();
        assert!(e.starts_with("missing field `value`"), "{e}");
        let e = read::<ValueChange>(
            r#"{"unit": "HN", "indicator": "GOV", "op": "add", "by": 1, "x": 2}"#,
        )
        .unwrap_err();
        assert!(e.starts_with("unknown field `x`"), "{e}");
        let e = read::<ValueChange>(r#"{"unit": "HN", "op": "add", "by": 1}"#).unwrap_err();
        assert!(e.starts_with("missing field `indicator`"), "{e}");
    }

    #[test]
    fn uncertain_inputs_read_and_round_trip() {
        use UncertainKind::*;
        let kinds = [
            WeightNoise {
                depth: None,
                factor: 0.25,
            },
            WeightNoise {
                depth: Some(2),
                factor: 0.1,
            },
            Normaliser {
                depth: Some(3),
                alternatives: vec![
                    crate::Normaliser::MinMax { l: 0.0, u: 100.0 },
                    crate::Normaliser::Goalposts {
                        lo: 1.0,
                        hi: 9.0,
                        scale: 1.0,
                        truncate: true,
                    },
                    crate::Normaliser::Rank,
                ],
            },
            Aggregator {
                depth: Some(0),
                alternatives: vec![
                    crate::Aggregator::WeightedMean,
                    crate::Aggregator::GeneralisedMean { p: 2.0 },
                ],
            },
            WeightSet {
                alternatives: vec!["nominal".into(), "equal".into()],
            },
            Imputation {
                alternatives: vec![
                    None,
                    Some(crate::methods::Imputation::GroupMean {
                        group: "region".into(),
                    }),
                ],
            },
            GeneralisedPower {
                depth: None,
                lo: 0.5,
                hi: 2.0,
            },
        ];
        for kind in kinds {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(read::<UncertainKind>(&json).unwrap(), kind, "{json}");
            let input = Uncertain {
                name: "x".into(),
                kind,
            };
            let json = serde_json::to_string(&input).unwrap();
            assert_eq!(read::<Uncertain>(&json).unwrap(), input, "{json}");
        }
        for (json, want) in [
            (
                r#"{"kind": "weight_noise", "factor": 0.1}"#,
                "missing field `name`",
            ),
            (
                r#"{"name": "w", "kind": "weight_noise"}"#,
                "missing field `factor`",
            ),
            (
                r#"{"name": "w", "kind": "weight_noise", "factor": 0.1, "lo": 1}"#,
                "unknown field `lo`, expected one of `depth`, `factor`",
            ),
            (
                r#"{"name": "w", "kind": "weight_noise", "factr": 0.1}"#,
                "unknown field `factr`",
            ),
            (
                r#"{"name": "w", "kind": "noise"}"#,
                "unknown variant `noise`, expected one of `weight_noise`",
            ),
            (
                r#"{"name": "n", "kind": "normaliser", "alternatives": [{"method": "rank"}, {"method": "minmax"}]}"#,
                "alternative 1: unknown variant `minmax`, expected one of `none`",
            ),
            (
                r#"{"name": "n", "kind": "normaliser", "alternatives": [{"method": "min_max", "p": 2}]}"#,
                "alternative 0: unknown field `p`, expected one of `l`, `u`",
            ),
            (
                r#"{"name": "n", "kind": "normaliser", "alternatives": [{"method": "rank", "l": 2}]}"#,
                "alternative 0: unknown field `l`, expected no parameters",
            ),
            (
                r#"{"name": "n", "kind": "normaliser", "alternatives": ["rank"]}"#,
                "alternative 0: expected a normaliser object",
            ),
            (
                r#"{"name": "a", "kind": "aggregator", "alternatives": [{"method": "generalised_mean"}]}"#,
                "alternative 0: missing field `p`",
            ),
            (
                r#"{"name": "a", "kind": "aggregator", "alternatives": [{"method": "weighted_mean", "l": 0}]}"#,
                "alternative 0: unknown field `l`, expected no parameters",
            ),
            (
                r#"{"name": "s", "kind": "weight_set", "alternatives": [null]}"#,
                "alternative 0: expected the name of a weight set",
            ),
            (
                r#"{"name": "i", "kind": "imputation", "alternatives": ["mean"]}"#,
                "alternative 0: expected an imputation object or null",
            ),
            (
                r#"{"name": "i", "kind": "imputation", "alternatives": [{"method": "mean", "x": 1}]}"#,
                "unknown field `x`, expected one of `method`",
            ),
        ] {
            let e = read::<Uncertain>(json).unwrap_err();
            assert!(e.starts_with(want), "{json}: {e}");
        }
    }

    #[test]
    fn input_errors_read_and_round_trip() {
        use InputErrorKind::*;
        let kinds = [
            UnknownIndicator {
                suggestion: Some("AWR".into()),
            },
            UnknownIndicator { suggestion: None },
            NotFinite {
                value: "NaN".into(),
            },
            NegativeCount { value: -3.0 },
            ZeroDenominator { numerator: 2.0 },
            NumeratorAboveDenominator {
                numerator: 5.0,
                denominator: 4.0,
            },
            PercentOutOfRange { value: 101.0 },
            ValueOutOfRange { value: 1.5 },
            UnknownLevel {
                label: "x".into(),
                expected: vec!["a".into(), "b".into()],
            },
            WrongType {
                expected: "a number".into(),
                found: "label".into(),
            },
            EmptyEntry,
            DuplicateUnit { first_row: 3 },
            EmptyUnitId,
            NotWhole { value: 2.5 },
            PeriodOutOfRange,
            Missing,
            UnpublishedWeights {
                children: vec!["GOV.1".into()],
            },
            NodeAndDescendant {
                descendant: "GOV.1".into(),
            },
        ];
        for kind in kinds {
            let e = InputError {
                row: 7,
                unit: "HN".into(),
                period: Some(2023),
                indicator: Some("GOV".into()),
                kind: kind.clone(),
            };
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(read::<InputError>(&json).unwrap(), e, "{json}");
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(read::<InputErrorKind>(&json).unwrap(), kind, "{json}");
        }
        // The documented flat form, without the optional location fields.
        let e: InputError =
            read(r#"{"row": 2, "unit": "HN", "code": "value_out_of_range", "value": 1.5}"#)
                .unwrap();
        assert_eq!((e.period, e.indicator), (None, None));
        assert_eq!(e.kind, ValueOutOfRange { value: 1.5 });
        let e = read::<InputError>(r#"{"row": 2, "unit": "HN", "code": "value_out_of_range"}"#)
            .unwrap_err();
        assert!(e.starts_with("missing field `value`"), "{e}");
        let e = read::<InputError>(r#"{"unit": "HN", "code": "missing"}"#).unwrap_err();
        assert!(e.starts_with("missing field `row`"), "{e}");
        let e = read::<InputErrorKind>(r#"{"code": "not_finite", "value": 1}"#).unwrap_err();
        assert!(
            e.starts_with("invalid type for field `value`: expected a text"),
            "{e}"
        );
        let e =
            read::<InputErrorKind>(r#"{"code": "wrong_type", "expected": ["a"], "found": "b"}"#)
                .unwrap_err();
        assert!(
            e.starts_with("invalid type for field `expected`: expected a text"),
            "{e}"
        );
        let e = read::<InputErrorKind>(r#"{"code": "bad"}"#).unwrap_err();
        assert!(
            e.starts_with("unknown variant `bad`, expected one of `unknown_indicator`"),
            "{e}"
        );
    }
}
