//! How the analyses' data types are read (serde `try_from` forms, as `model/forms.rs` does
//! for the model's): a value change of a scenario ([`ValueOp`], [`ValueChange`]) and an
//! uncertain input ([`Uncertain`], [`UncertainKind`]), each refusing fields that do not
//! belong to its kind.

use serde::Deserialize;

use crate::analyses::assumptions::{Uncertain, UncertainKind};
use crate::analyses::scenario::{ValueChange, ValueOp};
use crate::model::choices::{Imputation, Normaliser};
use crate::model::definition::Aggregator;
use crate::model::forms::{need, only, MethodForm};
use crate::model::input::Value;

/// The operations of [`ValueOp`], by their serde names.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum OpName {
    Set,
    Add,
    Scale,
}

/// The operation's fields, shared by [`ValueOpForm`] and [`ValueChangeForm`].
fn value_op(op: OpName, value: Option<Value>, by: Option<f64>) -> Result<ValueOp, String> {
    let given = [("value", value.is_some()), ("by", by.is_some())];
    match op {
        OpName::Set => {
            only(&given, &["value"])?;
            Ok(ValueOp::Set {
                value: need(value, "value")?,
            })
        }
        OpName::Add | OpName::Scale => {
            only(&given, &["by"])?;
            let by = need(by, "by")?;
            Ok(match op {
                OpName::Add => ValueOp::Add { by },
                _ => ValueOp::Scale { by },
            })
        }
    }
}

/// How a [`ValueOp`] is read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ValueOpForm {
    op: OpName,
    value: Option<Value>,
    by: Option<f64>,
}

impl TryFrom<ValueOpForm> for ValueOp {
    type Error = String;

    fn try_from(f: ValueOpForm) -> Result<Self, String> {
        value_op(f.op, f.value, f.by)
    }
}

/// How a [`ValueChange`] is read: the unit, period and indicator beside the operation's
/// fields (written flat).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ValueChangeForm {
    unit: String,
    period: Option<i32>,
    indicator: String,
    op: OpName,
    value: Option<Value>,
    by: Option<f64>,
}

impl TryFrom<ValueChangeForm> for ValueChange {
    type Error = String;

    fn try_from(f: ValueChangeForm) -> Result<Self, String> {
        Ok(ValueChange {
            unit: f.unit,
            period: f.period,
            indicator: f.indicator,
            op: value_op(f.op, f.value, f.by)?,
        })
    }
}

/// One alternative of an uncertain input: a method object (normaliser, aggregator or
/// imputation — which one, the input's kind says), a name (weight set) or `null` (no
/// imputation).
enum Alternative {
    Method(Box<MethodForm>),
    Name(String),
    Nothing,
}

impl<'de> Deserialize<'de> for Alternative {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Alternative, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Alternative;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a method object, a name or null")
            }
            fn visit_str<E>(self, v: &str) -> Result<Alternative, E> {
                Ok(Alternative::Name(v.to_owned()))
            }
            fn visit_unit<E>(self) -> Result<Alternative, E> {
                Ok(Alternative::Nothing)
            }
            fn visit_none<E>(self) -> Result<Alternative, E> {
                Ok(Alternative::Nothing)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Alternative, A::Error> {
                let form =
                    MethodForm::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Alternative::Method(Box::new(form)))
            }
        }
        d.deserialize_any(V)
    }
}

/// The kinds of [`UncertainKind`], by their serde names.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum UncertainKindName {
    WeightNoise,
    Normaliser,
    Aggregator,
    WeightSet,
    Imputation,
    GeneralisedPower,
}

/// How an [`Uncertain`] and an [`UncertainKind`] are read: the name (required for an input),
/// the kind and every kind's fields, flat as they are written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UncertainForm {
    name: Option<String>,
    kind: UncertainKindName,
    depth: Option<usize>,
    factor: Option<f64>,
    alternatives: Option<Vec<Alternative>>,
    lo: Option<f64>,
    hi: Option<f64>,
}

/// Each alternative converted by `f`; an error names the alternative (0-based).
fn each<T>(
    alternatives: Vec<Alternative>,
    f: impl Fn(Alternative) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    alternatives
        .into_iter()
        .enumerate()
        .map(|(i, a)| f(a).map_err(|e| format!("alternative {i}: {e}")))
        .collect()
}

impl TryFrom<UncertainForm> for UncertainKind {
    type Error = String;

    fn try_from(f: UncertainForm) -> Result<Self, String> {
        use UncertainKindName as K;
        let given = [
            ("depth", f.depth.is_some()),
            ("factor", f.factor.is_some()),
            ("alternatives", f.alternatives.is_some()),
            ("lo", f.lo.is_some()),
            ("hi", f.hi.is_some()),
        ];
        only(
            &given,
            match f.kind {
                K::WeightNoise => &["depth", "factor"],
                K::Normaliser | K::Aggregator => &["depth", "alternatives"],
                K::WeightSet | K::Imputation => &["alternatives"],
                K::GeneralisedPower => &["depth", "lo", "hi"],
            },
        )?;
        let depth = f.depth;
        Ok(match f.kind {
            K::WeightNoise => UncertainKind::WeightNoise {
                depth,
                factor: need(f.factor, "factor")?,
            },
            K::GeneralisedPower => UncertainKind::GeneralisedPower {
                depth,
                lo: need(f.lo, "lo")?,
                hi: need(f.hi, "hi")?,
            },
            K::Normaliser => UncertainKind::Normaliser {
                depth,
                alternatives: each(need(f.alternatives, "alternatives")?, |a| match a {
                    Alternative::Method(m) => Normaliser::try_from(*m),
                    _ => Err("expected a normaliser object".into()),
                })?,
            },
            K::Aggregator => UncertainKind::Aggregator {
                depth,
                alternatives: each(need(f.alternatives, "alternatives")?, |a| match a {
                    Alternative::Method(m) => Aggregator::try_from(*m),
                    _ => Err("expected an aggregator object".into()),
                })?,
            },
            K::WeightSet => UncertainKind::WeightSet {
                alternatives: each(need(f.alternatives, "alternatives")?, |a| match a {
                    Alternative::Name(n) => Ok(n),
                    _ => Err("expected the name of a weight set".into()),
                })?,
            },
            K::Imputation => UncertainKind::Imputation {
                alternatives: each(need(f.alternatives, "alternatives")?, |a| match a {
                    Alternative::Method(m) => Imputation::try_from(*m).map(Some),
                    Alternative::Nothing => Ok(None),
                    Alternative::Name(_) => Err("expected an imputation object or null".into()),
                })?,
            },
        })
    }
}

impl TryFrom<UncertainForm> for Uncertain {
    type Error = String;

    fn try_from(mut f: UncertainForm) -> Result<Self, String> {
        Ok(Uncertain {
            name: need(f.name.take(), "name")?,
            kind: f.try_into()?,
        })
    }
}
