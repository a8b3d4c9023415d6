//! Leaf scoring rules: raw input → value in [0, 1] and points.
//!
//! Rules from the district- and commune-level frameworks issued in the format of Decision
//! 922/QĐ-BTTTT (`dti-methodology.md`, "From a raw component value to points"):
//! ratio (a / b × max), step thresholds, categorical levels, yes/no; plus the published form
//! (a value in 0..1), a percentage, and cohort-relative normalisation.

use crate::error::InputErrorKind;
use crate::model::definition::Rule;
use crate::model::input::Value;

/// A leaf's input after its rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scored {
    /// Value in [0, 1] and points (NaN without max points).
    Final { value: f64, points: f64 },
    /// Direction-adjusted raw value x' = d·x, normalised later against the cohort.
    Raw(f64),
}

fn finite(x: f64) -> Result<f64, InputErrorKind> {
    if x.is_finite() {
        Ok(x)
    } else {
        Err(InputErrorKind::NotFinite {
            value: x.to_string(),
        })
    }
}

fn wrong(expected: &str, found: &Value) -> InputErrorKind {
    InputErrorKind::WrongType {
        expected: expected.to_owned(),
        found: format!("{} {found}", found.kind()),
    }
}

fn oriented(v: f64, direction: f64) -> f64 {
    if direction < 0.0 {
        1.0 - v
    } else {
        v
    }
}

fn with_points(value: f64, max: Option<f64>) -> Scored {
    Scored::Final {
        value,
        points: max.map_or(f64::NAN, |m| value * m),
    }
}

/// A node's value given directly: a number in [0, 1].
pub(crate) fn given_value(v: &Value, max: Option<f64>) -> Result<Scored, InputErrorKind> {
    match v {
        Value::Number(x) => {
            let x = finite(*x)?;
            if !(0.0..=1.0).contains(&x) {
                return Err(InputErrorKind::ValueOutOfRange { value: x });
            }
            Ok(with_points(x, max))
        }
        other => Err(wrong("a value in 0..1", other)),
    }
}

/// Scores one leaf input by its rule.
pub(crate) fn score_leaf(
    rule: &Rule,
    direction: f64,
    max: Option<f64>,
    v: &Value,
) -> Result<Scored, InputErrorKind> {
    match rule {
        Rule::Value => match given_value(v, None)? {
            Scored::Final { value, .. } => Ok(with_points(oriented(value, direction), max)),
            raw => Ok(raw),
        },
        Rule::Ratio => {
            let Value::Ratio {
                numerator: a,
                denominator: b,
            } = *v
            else {
                return Err(wrong("{numerator, denominator}", v));
            };
            let (a, b) = (finite(a)?, finite(b)?);
            if a < 0.0 || b < 0.0 {
                return Err(InputErrorKind::NegativeCount { value: a.min(b) });
            }
            if b == 0.0 {
                return Err(InputErrorKind::ZeroDenominator { numerator: a });
            }
            if a > b {
                return Err(InputErrorKind::NumeratorAboveDenominator {
                    numerator: a,
                    denominator: b,
                });
            }
            Ok(with_points(oriented(a / b, direction), max))
        }
        Rule::Percent => {
            let Value::Number(p) = *v else {
                return Err(wrong("a percentage in 0..100", v));
            };
            let p = finite(p)?;
            if !(0.0..=100.0).contains(&p) {
                return Err(InputErrorKind::PercentOutOfRange { value: p });
            }
            Ok(with_points(oriented(p / 100.0, direction), max))
        }
        Rule::Steps { steps, whole } => {
            let Value::Number(x) = *v else {
                return Err(wrong("a number", v));
            };
            let x = finite(x)?;
            // A table whose thresholds are all ≥ 0 counts things: a negative count is an error.
            if x < 0.0 && steps.iter().all(|s| s.at >= 0.0) {
                return Err(InputErrorKind::NegativeCount { value: x });
            }
            if *whole && x.fract() != 0.0 {
                return Err(InputErrorKind::NotWhole { value: x });
            }
            let earned = if direction < 0.0 {
                steps.iter().find(|s| x <= s.at)
            } else {
                steps.iter().rev().find(|s| x >= s.at)
            }
            .map_or(0.0, |s| s.points);
            // Validation guarantees max > 0 for steps.
            let m = max.unwrap_or(1.0);
            Ok(Scored::Final {
                value: earned / m,
                points: earned,
            })
        }
        Rule::Levels { levels } => {
            let Value::Label(label) = v else {
                return Err(wrong("a level label", v));
            };
            match levels.iter().find(|l| &l.label == label) {
                Some(l) => Ok(with_points(l.fraction, max)),
                None => Err(InputErrorKind::UnknownLevel {
                    label: label.clone(),
                    expected: levels.iter().map(|l| l.label.clone()).collect(),
                }),
            }
        }
        Rule::YesNo => {
            let Value::Bool(b) = *v else {
                return Err(wrong("true or false", v));
            };
            Ok(with_points(
                oriented(f64::from(u8::from(b)), direction),
                max,
            ))
        }
        Rule::Normalised { .. } => {
            let Value::Number(x) = *v else {
                return Err(wrong("a number", v));
            };
            Ok(Scored::Raw(direction * finite(x)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::definition::{Level, Step};

    fn fin(r: Result<Scored, InputErrorKind>) -> (f64, f64) {
        match r.unwrap() {
            Scored::Final { value, points } => (value, points),
            Scored::Raw(_) => panic!("raw"),
        }
    }

    fn meetings() -> Rule {
        // The district practice in dti-methodology.md: 4 meetings → 20, 3 → 15, 2 → 10, 1 → 5.
        Rule::Steps {
            steps: [(1.0, 5.0), (2.0, 10.0), (3.0, 15.0), (4.0, 20.0)]
                .iter()
                .map(|&(at, points)| Step { at, points })
                .collect(),
            whole: true,
        }
    }

    #[test]
    fn a_count_of_whole_things_takes_no_fraction() {
        let r = meetings();
        assert_eq!(
            score_leaf(&r, 1.0, Some(20.0), &Value::Number(2.5)),
            Err(InputErrorKind::NotWhole { value: 2.5 })
        );
        assert_eq!(
            fin(score_leaf(&r, 1.0, Some(20.0), &Value::Number(2.0))),
            (0.5, 10.0)
        );
        // Without "whole", a table of amounts takes any number (12.5 Mbps against 10, 20).
        let Rule::Steps { steps, .. } = r else {
            unreachable!()
        };
        let amounts = Rule::Steps {
            steps,
            whole: false,
        };
        assert_eq!(
            fin(score_leaf(&amounts, 1.0, Some(20.0), &Value::Number(2.5))),
            (0.5, 10.0)
        );
    }

    #[test]
    fn steps_pick_the_highest_threshold_met() {
        let r = meetings();
        assert_eq!(
            fin(score_leaf(&r, 1.0, Some(20.0), &4.0.into())),
            (1.0, 20.0)
        );
        assert_eq!(
            fin(score_leaf(&r, 1.0, Some(20.0), &7.0.into())),
            (1.0, 20.0)
        );
        assert_eq!(
            fin(score_leaf(&r, 1.0, Some(20.0), &3.0.into())),
            (0.75, 15.0)
        );
        assert_eq!(
            fin(score_leaf(&r, 1.0, Some(20.0), &2.0.into())),
            (0.5, 10.0)
        );
        assert_eq!(
            fin(score_leaf(&r, 1.0, Some(20.0), &0.0.into())),
            (0.0, 0.0)
        );
        assert_eq!(
            score_leaf(&r, 1.0, Some(20.0), &(-1.0).into()),
            Err(InputErrorKind::NegativeCount { value: -1.0 })
        );
    }

    #[test]
    fn steps_for_lower_is_better() {
        // Incidents: 0 → 10 points, at most 2 → 5, more → 0.
        let r = Rule::Steps {
            whole: false,
            steps: vec![
                Step {
                    at: 0.0,
                    points: 10.0,
                },
                Step {
                    at: 2.0,
                    points: 5.0,
                },
            ],
        };
        assert_eq!(fin(score_leaf(&r, -1.0, Some(10.0), &0.0.into())).1, 10.0);
        assert_eq!(fin(score_leaf(&r, -1.0, Some(10.0), &1.0.into())).1, 5.0);
        assert_eq!(fin(score_leaf(&r, -1.0, Some(10.0), &3.0.into())).1, 0.0);
    }

    #[test]
    fn ratio_percent_levels_yes_no() {
        // 954 of 1,865 public services fully online (seed facts, Vĩnh Phúc 2025): 954/1865.
        let (v, p) = fin(score_leaf(
            &Rule::Ratio,
            1.0,
            Some(10.0),
            &Value::Ratio {
                numerator: 954.0,
                denominator: 1865.0,
            },
        ));
        assert_eq!(v, 954.0 / 1865.0);
        assert_eq!(p, 954.0 / 1865.0 * 10.0);
        assert_eq!(
            fin(score_leaf(&Rule::Percent, 1.0, Some(4.0), &25.0.into())),
            (0.25, 1.0)
        );
        assert_eq!(
            fin(score_leaf(&Rule::Percent, -1.0, Some(4.0), &25.0.into())),
            (0.75, 3.0)
        );
        let head = Rule::Levels {
            levels: vec![
                Level {
                    label: "chairman".into(),
                    fraction: 1.0,
                },
                Level {
                    label: "deputy".into(),
                    fraction: 0.5,
                },
            ],
        };
        assert_eq!(
            fin(score_leaf(&head, 1.0, Some(10.0), &"deputy".into())),
            (0.5, 5.0)
        );
        assert!(matches!(
            score_leaf(&head, 1.0, Some(10.0), &"nobody".into()),
            Err(InputErrorKind::UnknownLevel { .. })
        ));
        assert_eq!(
            fin(score_leaf(&Rule::YesNo, 1.0, Some(5.0), &true.into())),
            (1.0, 5.0)
        );
        assert_eq!(
            fin(score_leaf(&Rule::YesNo, -1.0, Some(5.0), &true.into())),
            (0.0, 0.0)
        );
    }

    #[test]
    fn bad_inputs_are_named() {
        let ratio = |a, b| {
            score_leaf(
                &Rule::Ratio,
                1.0,
                None,
                &Value::Ratio {
                    numerator: a,
                    denominator: b,
                },
            )
        };
        assert_eq!(
            ratio(1.0, 0.0),
            Err(InputErrorKind::ZeroDenominator { numerator: 1.0 })
        );
        assert_eq!(
            ratio(3.0, 2.0),
            Err(InputErrorKind::NumeratorAboveDenominator {
                numerator: 3.0,
                denominator: 2.0
            })
        );
        assert_eq!(
            ratio(-1.0, 2.0),
            Err(InputErrorKind::NegativeCount { value: -1.0 })
        );
        assert_eq!(
            score_leaf(&Rule::Percent, 1.0, None, &101.0.into()),
            Err(InputErrorKind::PercentOutOfRange { value: 101.0 })
        );
        assert!(matches!(
            score_leaf(&Rule::Value, 1.0, None, &f64::NAN.into()),
            Err(InputErrorKind::NotFinite { .. })
        ));
        assert!(matches!(
            score_leaf(&Rule::YesNo, 1.0, None, &1.0.into()),
            Err(InputErrorKind::WrongType { .. })
        ));
        assert_eq!(
            given_value(&1.5.into(), None),
            Err(InputErrorKind::ValueOutOfRange { value: 1.5 })
        );
    }
}
