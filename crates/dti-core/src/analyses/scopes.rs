//! What an analysis varies and where: the scope of each uncertain input (the nodes it touches),
//! the checks that two inputs do not conflict, and the evaluators and weight sets they need.

use super::assumptions::*;
use crate::engine::eval::Evaluator;
use crate::methods::impute::impute;
use crate::methods::normalise::Ties;
use crate::model::definition::Aggregator;
use crate::model::framework::Framework;
use crate::model::input::UnitRecord;

/// What each uncertain input applies to (`scope`: nodes per input), which inputs choose
/// normalisers, the weight set and the imputation, and the inputs that apply to nothing.
pub(crate) struct Scopes {
    pub(crate) scope: Vec<Vec<usize>>,
    pub(crate) normalisers: Vec<usize>,
    pub(crate) weight_set: Option<usize>,
    pub(crate) imputation: Option<(usize, Vec<usize>)>,
    pub(crate) warnings: Vec<String>,
}

/// Checks each input and finds the nodes it applies to.
pub(crate) fn scopes(fw: &Framework, inputs: &[Uncertain]) -> Result<Scopes, AnalysisError> {
    let plan = &fw.plan;
    let mut scope = Vec::new();
    let internal = |i: usize| !plan.children[i].is_empty();
    let at = |i: usize, depth: Option<usize>| depth.is_none_or(|d| plan.depth[i] == d);
    let mut imputation = None;
    let mut normalisers = Vec::new();
    let mut weight_set = None;
    let mut names: Vec<&str> = Vec::new();
    let mut warnings = Vec::new();
    for (k, input) in inputs.iter().enumerate() {
        let count = alternative_names(&input.kind).len();
        if count > MAX_ALTERNATIVES {
            return Err(too_large(
                &format!("input '{}': the number of alternatives", input.name),
                count as u128,
                MAX_ALTERNATIVES,
            ));
        }
        if names.contains(&input.name.as_str()) {
            return Err(spec_err(input, "the name is used twice"));
        }
        names.push(&input.name);
        let nodes: Vec<usize> = match &input.kind {
            UncertainKind::WeightNoise { depth, factor } => {
                if !(0.0..1.0).contains(factor) {
                    return Err(spec_err(
                        input,
                        format!("the noise factor must be in [0, 1), got {factor}"),
                    ));
                }
                (0..plan.n).filter(|&i| at(i, *depth)).collect()
            }
            UncertainKind::Normaliser {
                depth,
                alternatives,
            } => {
                if alternatives.is_empty() {
                    return Err(spec_err(input, "no alternatives"));
                }
                normalisers.push(k);
                (0..plan.n)
                    .filter(|&i| at(i, *depth) && plan.normaliser[i].is_some())
                    .collect()
            }
            UncertainKind::Aggregator {
                depth,
                alternatives,
            } => {
                if alternatives.is_empty() {
                    return Err(spec_err(input, "no alternatives"));
                }
                (0..=plan.n)
                    .filter(|&i| internal(i) && at(i, *depth))
                    .collect()
            }
            UncertainKind::GeneralisedPower { depth, lo, hi } => {
                if !(lo.is_finite() && hi.is_finite() && lo < hi && (*lo > 0.0 || *hi < 0.0)) {
                    return Err(spec_err(
                        input,
                        format!("needs finite lo < hi on one side of 0, got [{lo}, {hi}]"),
                    ));
                }
                (0..=plan.n)
                    .filter(|&i| internal(i) && at(i, *depth))
                    .collect()
            }
            UncertainKind::WeightSet { alternatives } => {
                if alternatives.is_empty() {
                    return Err(spec_err(input, "no alternatives"));
                }
                if weight_set.replace(k).is_some() {
                    return Err(spec_err(input, "only one weight-set input is allowed"));
                }
                Vec::new()
            }
            UncertainKind::Imputation { alternatives } => {
                if alternatives.is_empty() {
                    return Err(spec_err(input, "no alternatives"));
                }
                if imputation.replace((k, Vec::new())).is_some() {
                    return Err(spec_err(input, "only one imputation input is allowed"));
                }
                Vec::new()
            }
        };
        let needs_nodes = !matches!(
            input.kind,
            UncertainKind::WeightSet { .. } | UncertainKind::Imputation { .. }
        );
        if needs_nodes && nodes.is_empty() {
            warnings.push(format!(
                "uncertain input '{}' applies to no node of the framework{}: it has no effect",
                input.name,
                match &input.kind {
                    UncertainKind::WeightNoise { depth: Some(d), .. }
                    | UncertainKind::Normaliser { depth: Some(d), .. }
                    | UncertainKind::Aggregator { depth: Some(d), .. }
                    | UncertainKind::GeneralisedPower { depth: Some(d), .. } =>
                        format!(" at depth {d}"),
                    _ => String::new(),
                }
            ));
        }
        scope.push(nodes);
    }

    Ok(Scopes {
        scope,
        normalisers,
        weight_set,
        imputation,
        warnings,
    })
}

/// Two inputs that set the same parameter of one node are an error: which one a run uses
/// would otherwise depend on their order.
pub(crate) fn check_conflicts(
    fw: &Framework,
    inputs: &[Uncertain],
    scope: &[Vec<usize>],
) -> Result<(), AnalysisError> {
    let plan = &fw.plan;
    for (k, input) in inputs.iter().enumerate() {
        let Some(param) = parameter(&input.kind) else {
            continue;
        };
        for (j, other) in inputs.iter().enumerate().take(k) {
            if parameter(&other.kind) != Some(param) {
                continue;
            }
            if let Some(&node) = scope[k].iter().find(|i| scope[j].contains(i)) {
                return Err(AnalysisError::Conflict {
                    first: other.name.clone(),
                    second: input.name.clone(),
                    parameter: param.to_owned(),
                    node: if node == plan.root {
                        fw.def.id.clone()
                    } else {
                        fw.def.nodes[node].code.clone()
                    },
                });
            }
        }
    }

    Ok(())
}

/// Aggregator alternatives must fit the framework (e.g. Copeland on a node with points).
pub(crate) fn check_aggregators(
    fw: &Framework,
    inputs: &[Uncertain],
    scope: &[Vec<usize>],
) -> Result<(), AnalysisError> {
    let plan = &fw.plan;
    for (k, input) in inputs.iter().enumerate() {
        let alternatives: Vec<Aggregator> = match &input.kind {
            UncertainKind::Aggregator { alternatives, .. } => alternatives.clone(),
            UncertainKind::GeneralisedPower { lo, .. } => {
                vec![Aggregator::GeneralisedMean { p: *lo }]
            }
            _ => continue,
        };
        for a in alternatives {
            let mut def = (*fw.def).clone();
            // Points derived from a sum stay every node's points under a mean (views and
            // points sums elsewhere keep the maxima they had).
            def.scale = plan.max[plan.root];
            for (j, node) in def.nodes.iter_mut().enumerate() {
                if node.max_points.is_none() {
                    node.max_points = plan.max[j];
                }
            }
            for &i in &scope[k] {
                if i == plan.root {
                    def.aggregate = a;
                } else {
                    def.nodes[i].aggregate = Some(a);
                }
            }
            Framework::new(def)
                .map_err(|e| spec_err(input, format!("alternative {}: {e}", a.name())))?;
        }
    }

    Ok(())
}

/// Evaluators: the records as given, and one per imputation alternative (their slots are
/// filled into `imputation`).
pub(crate) fn evaluators(
    fw: &Framework,
    units: &[UnitRecord],
    inputs: &[Uncertain],
    imputation: &mut Option<(usize, Vec<usize>)>,
    pool_periods: bool,
    ties: Ties,
) -> Result<Vec<Evaluator>, AnalysisError> {
    let mut evaluators = vec![Evaluator::new(fw, units, pool_periods, ties)?];
    if let Some((k, slots)) = imputation {
        let UncertainKind::Imputation { alternatives } = &inputs[*k].kind else {
            unreachable!("imputation input")
        };
        for alt in alternatives {
            match alt {
                None => slots.push(0),
                Some(how) => {
                    let (done, _) = impute(fw, units, how);
                    evaluators.push(Evaluator::new(fw, &done, pool_periods, ties)?);
                    slots.push(evaluators.len() - 1);
                }
            }
        }
    }

    Ok(evaluators)
}

/// The weights of each weight-set alternative (the framework's own without a weight set).
pub(crate) fn weight_alternatives(
    fw: &Framework,
    inputs: &[Uncertain],
    weight_set: Option<usize>,
) -> Result<Vec<Vec<f64>>, AnalysisError> {
    let plan = &fw.plan;
    let mut weights = vec![plan.weight.clone()];
    if let Some(k) = weight_set {
        let UncertainKind::WeightSet { alternatives } = &inputs[k].kind else {
            unreachable!("weight-set input")
        };
        weights = alternatives
            .iter()
            .map(|name| {
                if name == "nominal" {
                    Ok(plan.weight.clone())
                } else {
                    fw.with_weight_set(name)
                        .map(|f| f.plan.weight.clone())
                        .map_err(|e| spec_err(&inputs[k], e.to_string()))
                }
            })
            .collect::<Result<_, _>>()?;
    }

    Ok(weights)
}
