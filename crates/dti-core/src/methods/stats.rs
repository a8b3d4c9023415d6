//! Indicator statistics and correlations (`composite-methods.md`; COINr `get_stats`,
//! `get_corr`). Conventions: missing values (NaN) are left out; the standard deviation uses
//! n − 1; skew is the adjusted Fisher–Pearson coefficient
//! G₁ = √(n(n−1))/(n−2) · √n Σd³/(Σd²)^{3/2} and kurtosis the excess kurtosis
//! ((n+1)(r−3)+6)(n−1)/((n−2)(n−3)) with r = nΣd⁴/(Σd²)², d = x − mean (as Excel's SKEW and
//! KURT); the median interpolates between the two middle values.

use serde::{Deserialize, Serialize};

use crate::sum::{exact_sum, ExactSum};

use crate::model::definition::Rule;
use crate::model::framework::Framework;
use crate::model::input::{UnitRecord, Value};
use crate::model::result::CohortScores;

/// Summary statistics of one column.
///
/// ```
/// let s = dti_core::methods::summarise(&[1.0, 2.0, 3.0, 4.0, f64::NAN]);
/// assert_eq!((s.n, s.available), (5, 4));
/// assert_eq!(s.mean, Some(2.5));
/// assert_eq!(s.median, Some(2.5));
/// assert_eq!(s.share_available, 0.8);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Summary {
    /// Number of units.
    pub n: usize,
    /// Units with a value.
    pub available: usize,
    /// available / n.
    pub share_available: f64,
    /// Share of the available values equal to 0.
    pub share_zero: f64,
    /// Minimum.
    pub min: Option<f64>,
    /// Maximum.
    pub max: Option<f64>,
    /// Mean.
    pub mean: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// Standard deviation (n − 1); needs two values.
    pub sd: Option<f64>,
    /// Skew (G₁); needs three values and a nonzero spread.
    pub skew: Option<f64>,
    /// Excess kurtosis; needs four values and a nonzero spread.
    pub kurtosis: Option<f64>,
}

/// Summarises a column (`NaN` = missing).
///
/// ```
/// // Skew of 1, 2, 3, 10: mean 4, d = −3, −2, −1, 6; Σd² = 50, Σd³ = 180;
/// // g = √4·180/50^{3/2} = 1.0182337…; G₁ = √12/2 · g = 1.7636326…
/// let s = dti_core::methods::summarise(&[1.0, 2.0, 3.0, 10.0]);
/// assert!((s.skew.unwrap() - 1.7636326148).abs() < 1e-9);
/// ```
pub fn summarise(x: &[f64]) -> Summary {
    let mut v: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = x.len();
    let k = v.len();
    let nf = k as f64;
    let mean = (k > 0).then(|| exact_sum(v.iter().copied()) / nf);
    v.sort_by(f64::total_cmp);
    let median = (k > 0).then(|| {
        if k % 2 == 1 {
            v[k / 2]
        } else {
            (v[k / 2 - 1] + v[k / 2]) / 2.0
        }
    });
    let moments = mean.map(|m| {
        let (mut s2, mut s3, mut s4) = (ExactSum::new(), ExactSum::new(), ExactSum::new());
        for &x in &v {
            let d = x - m;
            s2.add(d * d);
            s3.add(d * d * d);
            s4.add(d * d * d * d);
        }
        (s2.value(), s3.value(), s4.value())
    });
    let sd = moments
        .filter(|_| k >= 2)
        .map(|(s2, _, _)| (s2 / (nf - 1.0)).sqrt());
    let skew = moments
        .filter(|(s2, _, _)| k >= 3 && *s2 > 0.0)
        .map(|(s2, s3, _)| {
            (nf * (nf - 1.0)).sqrt() / (nf - 2.0) * nf.sqrt() * s3 / crate::math::pow(s2, 1.5)
        });
    let kurtosis = moments
        .filter(|(s2, _, _)| k >= 4 && *s2 > 0.0)
        .map(|(s2, _, s4)| {
            let r = nf * s4 / (s2 * s2);
            ((nf + 1.0) * (r - 3.0) + 6.0) * (nf - 1.0) / ((nf - 2.0) * (nf - 3.0))
        });
    Summary {
        n,
        available: k,
        share_available: if n > 0 { nf / n as f64 } else { 0.0 },
        share_zero: if k > 0 {
            v.iter().filter(|&&x| x == 0.0).count() as f64 / nf
        } else {
            0.0
        },
        min: v.first().copied(),
        max: v.last().copied(),
        mean,
        median,
        sd,
        skew,
        kurtosis,
    }
}

/// What a column's statistics suggest checking.
///
/// ```
/// assert_eq!(serde_json::to_string(&dti_core::methods::StatFlag::Outliers)?, "\"outliers\"");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StatFlag {
    /// Share available below the threshold (default 0.65).
    LowAvailability,
    /// |skew| > 2 and kurtosis > 3.5: outliers likely (the treatment test).
    Outliers,
    /// More than half the values are 0.
    ManyZeros,
    /// Every value is the same.
    Constant,
}

/// Thresholds for [`StatFlag`]s (COINr `get_stats` defaults).
///
/// ```
/// assert_eq!(dti_core::methods::StatsOptions::default().min_available, 0.65);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct StatsOptions {
    /// Below this share available: [`StatFlag::LowAvailability`].
    pub min_available: f64,
    /// |skew| above this …
    pub skew: f64,
    /// … and kurtosis above this: [`StatFlag::Outliers`].
    pub kurtosis: f64,
    /// Above this share of zeros: [`StatFlag::ManyZeros`].
    pub max_zero: f64,
    /// |correlation| above this between two indicators: collinear.
    pub collinear: f64,
}

setters!(StatsOptions {
    min_available: f64,
    skew: f64,
    kurtosis: f64,
    max_zero: f64,
    collinear: f64
});

impl Default for StatsOptions {
    fn default() -> Self {
        StatsOptions {
            min_available: 0.65,
            skew: 2.0,
            kurtosis: 3.5,
            max_zero: 0.5,
            collinear: 0.9,
        }
    }
}

/// One indicator's statistics and flags.
///
/// ```
/// use dti_core::methods::{indicator_stats, NamedColumn, StatFlag};
/// let s = indicator_stats(&[NamedColumn::new("X", vec![0.0, 0.0, 0.0, 1.0])], &Default::default());
/// assert!(s[0].flags.contains(&StatFlag::ManyZeros));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IndicatorStats {
    /// Indicator (node) code.
    pub code: String,
    /// Its summary.
    pub summary: Summary,
    /// What to check.
    pub flags: Vec<StatFlag>,
}

/// Statistics and flags of named columns.
///
/// ```
/// use dti_core::methods::{indicator_stats, NamedColumn, StatFlag};
/// let s = indicator_stats(&[NamedColumn::new("X", vec![1.0, f64::NAN, f64::NAN])], &Default::default());
/// assert_eq!(s[0].flags, [StatFlag::LowAvailability]);
/// ```
pub fn indicator_stats(columns: &[NamedColumn], opts: &StatsOptions) -> Vec<IndicatorStats> {
    columns
        .iter()
        .map(|NamedColumn { code, values: x }| {
            let summary = summarise(x);
            let mut flags = Vec::new();
            if summary.share_available < opts.min_available {
                flags.push(StatFlag::LowAvailability);
            }
            if let (Some(s), Some(k)) = (summary.skew, summary.kurtosis) {
                if s.abs() > opts.skew && k > opts.kurtosis {
                    flags.push(StatFlag::Outliers);
                }
            }
            if summary.available > 0 && summary.share_zero > opts.max_zero {
                flags.push(StatFlag::ManyZeros);
            }
            if summary.available > 1 && summary.min == summary.max {
                flags.push(StatFlag::Constant);
            }
            IndicatorStats {
                code: code.clone(),
                summary,
                flags,
            }
        })
        .collect()
}

/// The raw numeric input of every leaf over the records, one column per leaf in framework
/// order: a number as given, a ratio as a/b, yes/no as 1/0, a label as its level's fraction;
/// anything else, and no entry, is missing.
///
/// ```
/// # use dti_core::{methods::*, *};
/// let fw = Framework::from_json(r#"{"schema_version": 1, "id": "t", "name_vi": "T", "nodes": [
///   {"code": "A", "name_vi": "A", "max_points": 1, "rule": {"type": "ratio"}},
///   {"code": "B", "name_vi": "B", "max_points": 1, "rule": {"type": "yes_no"}}]}"#)?;
/// let cols = raw_columns(&fw, &[UnitRecord::new("X").value("A", Entry::ratio(1.0, 4.0)).value("B", true)]);
/// assert_eq!(cols[0], NamedColumn::new("A", vec![0.25]));
/// assert_eq!(cols[1].values, vec![1.0]);
/// # Ok::<(), FrameworkError>(())
/// ```
pub fn raw_columns(fw: &Framework, units: &[UnitRecord]) -> Vec<NamedColumn> {
    fw.leaves()
        .map(|leaf| {
            let col = units
                .iter()
                .map(|u| {
                    let v = u.values.get(&leaf.code).and_then(|e| e.scored());
                    raw_number(leaf.rule.as_ref(), v)
                })
                .collect();
            NamedColumn::new(&leaf.code, col)
        })
        .collect()
}

pub(crate) fn raw_number(rule: Option<&Rule>, v: Option<&Value>) -> f64 {
    match (rule, v) {
        (_, Some(Value::Number(x))) => *x,
        (
            _,
            Some(Value::Ratio {
                numerator,
                denominator,
            }),
        ) if *denominator != 0.0 => numerator / denominator,
        (_, Some(Value::Bool(b))) => f64::from(u8::from(*b)),
        (Some(Rule::Levels { levels }), Some(Value::Label(l))) => levels
            .iter()
            .find(|x| &x.label == l)
            .map_or(f64::NAN, |x| x.fraction),
        _ => f64::NAN,
    }
}

/// The scored value of every node over the units of a result, one column per node in
/// framework order (the index itself under the framework id).
///
/// ```
/// # use dti_core::{methods::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let s = fw.score(&[UnitRecord::new("X").value("GOV", 0.5)])?;
/// let cols = scored_columns(&fw, &s);
/// assert_eq!(cols.last().unwrap().code, "vn-pdti-2022");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn scored_columns(fw: &Framework, scores: &CohortScores) -> Vec<NamedColumn> {
    let mut cols: Vec<NamedColumn> = fw
        .def
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let col = scores
                .units
                .iter()
                .map(|u| u.nodes[i].value.unwrap_or(f64::NAN))
                .collect();
            NamedColumn::new(&n.code, col)
        })
        .collect();
    cols.push(NamedColumn::new(
        &fw.def.id,
        scores
            .units
            .iter()
            .map(|u| u.value.unwrap_or(f64::NAN))
            .collect(),
    ));
    cols
}

/// A column of numbers with the code of its indicator or node (NaN: missing).
///
/// ```
/// let c = dti_core::methods::NamedColumn::new("GOV", vec![0.5, f64::NAN]);
/// assert_eq!((c.code.as_str(), c.values.len()), ("GOV", 2));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NamedColumn {
    /// The indicator or node code.
    pub code: String,
    /// One number per unit.
    pub values: Vec<f64>,
}

impl NamedColumn {
    /// A column named `code`.
    pub fn new(code: &str, values: Vec<f64>) -> NamedColumn {
        NamedColumn {
            code: code.to_owned(),
            values,
        }
    }
}

/// How to correlate.
///
/// ```
/// let m: dti_core::methods::CorrelationMethod = serde_json::from_str("\"spearman\"")?;
/// assert_eq!(m, dti_core::methods::CorrelationMethod::Spearman);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CorrelationMethod {
    /// Pearson's product-moment correlation.
    Pearson,
    /// Spearman's rank correlation: Pearson's on ranks, ties given their average rank.
    Spearman,
}

/// Correlation of two columns over the units where both have a value; `None` with fewer
/// than three such units or no spread.
///
/// ```
/// use dti_core::{methods::correlation, methods::CorrelationMethod::*};
/// let x = [1.0, 2.0, 3.0, 4.0];
/// assert_eq!(correlation(&x, &[2.0, 4.0, 6.0, 8.0], Pearson), Some(1.0));
/// // Monotone but not linear: Spearman 1, Pearson below 1.
/// let y = [1.0, 8.0, 27.0, 64.0];
/// assert_eq!(correlation(&x, &y, Spearman), Some(1.0));
/// assert!(correlation(&x, &y, Pearson).unwrap() < 1.0);
/// ```
pub fn correlation(x: &[f64], y: &[f64], method: CorrelationMethod) -> Option<f64> {
    let (mut a, mut b): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(p, q)| !p.is_nan() && !q.is_nan())
        .map(|(p, q)| (*p, *q))
        .unzip();
    if a.len() < 3 {
        return None;
    }
    if method == CorrelationMethod::Spearman {
        a = average_ranks(&a);
        b = average_ranks(&b);
    }
    let n = a.len() as f64;
    let (ma, mb) = (
        exact_sum(a.iter().copied()) / n,
        exact_sum(b.iter().copied()) / n,
    );
    let (mut sab, mut saa, mut sbb) = (ExactSum::new(), ExactSum::new(), ExactSum::new());
    for (p, q) in a.iter().zip(&b) {
        sab.add((p - ma) * (q - mb));
        saa.add((p - ma) * (p - ma));
        sbb.add((q - mb) * (q - mb));
    }
    let (sab, saa, sbb) = (sab.value(), saa.value(), sbb.value());
    (saa > 0.0 && sbb > 0.0).then(|| (sab / (saa * sbb).sqrt()).clamp(-1.0, 1.0))
}

/// Ranks 1..n ascending, ties the average of the ranks they span.
fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
    let mut out = vec![0.0; x.len()];
    let mut start = 0;
    while start < idx.len() {
        let mut end = start + 1;
        while end < idx.len() && x[idx[end]] == x[idx[start]] {
            end += 1;
        }
        let avg = (start + end + 1) as f64 / 2.0;
        for &i in &idx[start..end] {
            out[i] = avg;
        }
        start = end;
    }
    out
}

/// A correlation between two nodes.
///
/// ```
/// let c = serde_json::from_value::<dti_core::methods::NodeCorrelation>(serde_json::json!({ "a": "X", "b": "P", "r": Some(0.8) })).unwrap();
/// assert_eq!(c.r, Some(0.8));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NodeCorrelation {
    /// First node.
    pub a: String,
    /// Second node.
    pub b: String,
    /// The correlation, if defined.
    pub r: Option<f64>,
}

/// Correlations of a scored cohort.
///
/// ```
/// let c = serde_json::from_value::<dti_core::methods::Correlations>(serde_json::json!({ "codes": [], "matrix": [], "with_parent": [], "collinear": [] })).unwrap();
/// assert!(c.matrix.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Correlations {
    /// The leaves, in framework order.
    pub codes: Vec<String>,
    /// `matrix[i][j]`: correlation between leaves i and j.
    pub matrix: Vec<Vec<Option<f64>>>,
    /// Each node with its parent (the index for top-level nodes).
    pub with_parent: Vec<NodeCorrelation>,
    /// Pairs of leaves correlated beyond the collinearity threshold.
    pub collinear: Vec<NodeCorrelation>,
}

/// Correlations between the leaves' scored values, and of every node with its parent, over
/// the units of a result.
///
/// ```
/// # use dti_core::{methods::*, *};
/// let fw = Framework::builtin("vn-pdti-2022")?;
/// let units: Vec<UnitRecord> = (0..5).map(|k| {
///     let v = 0.1 + 0.15 * k as f64;
///     UnitRecord::new(&format!("P{k}")).value("AWR", v).value("GOV", 1.0 - v)
/// }).collect();
/// let s = fw.score(&units)?;
/// let c = correlations(&fw, &s, CorrelationMethod::Pearson, &StatsOptions::default());
/// let awr = c.codes.iter().position(|x| x == "AWR").unwrap();
/// let gov = c.codes.iter().position(|x| x == "GOV").unwrap();
/// assert!((c.matrix[awr][gov].unwrap() + 1.0).abs() < 1e-12);
/// assert!(c.collinear.iter().any(|p| p.a == "AWR" && p.b == "GOV"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn correlations(
    fw: &Framework,
    scores: &CohortScores,
    method: CorrelationMethod,
    opts: &StatsOptions,
) -> Correlations {
    let cols = scored_columns(fw, scores);
    let cols: Vec<(&str, &[f64])> = cols
        .iter()
        .map(|c| (c.code.as_str(), c.values.as_slice()))
        .collect();
    correlations_of(fw, &cols, method, opts)
}

/// Correlations over value columns in framework order, the index last.
pub(crate) fn correlations_of(
    fw: &Framework,
    cols: &[(&str, &[f64])],
    method: CorrelationMethod,
    opts: &StatsOptions,
) -> Correlations {
    let plan = &fw.plan;
    let leaves: Vec<usize> = (0..plan.n)
        .filter(|&i| plan.children[i].is_empty())
        .collect();
    let codes: Vec<String> = leaves.iter().map(|&i| cols[i].0.to_owned()).collect();
    let mut matrix = vec![vec![None; leaves.len()]; leaves.len()];
    let mut collinear = Vec::new();
    for (a, &i) in leaves.iter().enumerate() {
        for (b, &j) in leaves.iter().enumerate().skip(a) {
            let r = if a == b {
                correlation(cols[i].1, cols[j].1, method).map(|_| 1.0)
            } else {
                correlation(cols[i].1, cols[j].1, method)
            };
            matrix[a][b] = r;
            matrix[b][a] = r;
            if a != b && r.is_some_and(|r| r.abs() > opts.collinear) {
                collinear.push(NodeCorrelation {
                    a: codes[a].clone(),
                    b: codes[b].clone(),
                    r,
                });
            }
        }
    }
    let with_parent = (0..plan.n)
        .map(|i| {
            let p = plan.parent[i];
            NodeCorrelation {
                a: cols[i].0.to_owned(),
                b: cols[p].0.to_owned(),
                r: correlation(cols[i].1, cols[p].1, method),
            }
        })
        .collect();
    Correlations {
        codes,
        matrix,
        with_parent,
        collinear,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kurtosis_by_hand() {
        // 1, 2, 3, 10: d = −3, −2, −1, 6; Σd² = 50; Σd⁴ = 81 + 16 + 1 + 1296 = 1394;
        // r = 4·1394/2500 = 2.2304; ((5)(−0.7696) + 6)(3)/((2)(1)) = (2.152)(1.5) = 3.228.
        let s = summarise(&[1.0, 2.0, 3.0, 10.0]);
        assert!((s.kurtosis.unwrap() - 3.228).abs() < 1e-12);
        assert_eq!(s.median, Some(2.5));
        // sd = √(50/3).
        assert!((s.sd.unwrap() - (50.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn too_few_values_give_none() {
        let s = summarise(&[1.0, f64::NAN]);
        assert_eq!((s.sd, s.skew, s.kurtosis), (None, None, None));
        let s = summarise(&[]);
        assert_eq!((s.min, s.mean, s.share_available), (None, None, 0.0));
    }

    #[test]
    fn average_ranks_share_ties() {
        assert_eq!(
            average_ranks(&[10.0, 20.0, 10.0, 5.0]),
            vec![2.5, 4.0, 2.5, 1.0]
        );
    }
}
