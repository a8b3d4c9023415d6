//! What `dti coin` reports beside the results: the treatment log, effective weights,
//! indicator statistics and correlations — the tables a researcher compares with COINr's
//! (`get_stats`, `get_corr`, the treatment's `Log`) — as CSV files, JSON and a terminal table.

use dti_core::{io::PipelineRun, Framework};
use serde_json::json;

use crate::output::{num, rank, Cell, Table};
use crate::row;

/// One table of the report, with the file name it is written under.
pub struct Part {
    pub file: &'static str,
    pub table: Table,
}

/// The treatment log: per indicator and period, skew and kurtosis before and after, the
/// points winsorised at the top and at the bottom, and whether the log transform was used.
pub fn treatment(run: &PipelineRun) -> Table {
    let mut t = Table::new(
        &[
            "indicator",
            "period",
            "skew",
            "kurtosis",
            "passed",
            "winsorised_high",
            "winsorised_low",
            "log",
            "skew_after",
            "kurtosis_after",
            "units",
        ],
        &[
            false, true, true, true, false, true, true, false, true, true, false,
        ],
    );
    for r in &run.treated {
        let high = r.winsorised.iter().filter(|w| w.to < w.from).count();
        let low = r.winsorised.iter().filter(|w| w.to > w.from).count();
        let mut moved: Vec<_> = r.winsorised.iter().collect();
        moved.sort_by_key(|w| w.row);
        let units: Vec<&str> = moved.iter().map(|w| w.unit.as_str()).collect();
        t.push(row![
            r.indicator.clone(),
            r.period.map(|p| p.to_string()).unwrap_or_default(),
            num(r.skew, 3),
            num(r.kurtosis, 3),
            r.passed.to_string(),
            high.to_string(),
            low.to_string(),
            r.log.to_string(),
            num(r.skew_after, 3),
            num(r.kurtosis_after, 3),
            units.join(" "),
        ]);
    }
    t
}

/// Every node's share among its siblings and effective weight in the index.
pub fn weights(fw: &Framework) -> Table {
    let mut t = Table::new(
        &["iCode", "parent", "share", "effective_weight"],
        &[false, false, true, true],
    );
    for w in fw.effective_weights() {
        let parent = fw
            .def()
            .nodes
            .iter()
            .find(|n| n.code == w.code)
            .and_then(|n| n.parent.clone())
            .unwrap_or_else(|| fw.id().to_owned());
        t.push(row![
            w.code.clone(),
            parent,
            num(Some(w.share), 4),
            num(Some(w.weight), 4)
        ]);
    }
    t
}

/// What the report computes from a run, once for both its CSV files and its JSON: the run's
/// report (`PipelineRun::report`, with indicator statistics over the raw data and
/// correlations of the normalised values), the same fields every surface gives.
pub struct Analysis {
    report: dti_core::io::PipelineReport,
}

impl Analysis {
    pub fn of(run: &PipelineRun) -> Analysis {
        Analysis {
            report: run.report(),
        }
    }
}

/// Statistics and flags of each indicator over the raw data, under COINr `get_stats`'s
/// column names (`Min` … `Kurt`, `N.Avail`, `Frc.Avail`, `Flag.Avail` "LOW"/"ok",
/// `Flag.SkewKurt` "OUT"/"ok"), then ours: `N` (rows), `Frc.Zero` (share of the available
/// values that are 0) and every flag by name.
pub fn statistics(a: &Analysis) -> Table {
    use dti_core::methods::StatFlag;
    let stats = &a.report.statistics;
    let mut t = Table::new(
        &[
            "iCode",
            "Min",
            "Max",
            "Mean",
            "Median",
            "Std",
            "Skew",
            "Kurt",
            "N.Avail",
            "Frc.Avail",
            "Flag.Avail",
            "Flag.SkewKurt",
            "N",
            "Frc.Zero",
            "flags",
        ],
        &[
            false, true, true, true, true, true, true, true, true, true, false, false, true, true,
            false,
        ],
    );
    for s in stats {
        let m = &s.summary;
        let flags: Vec<String> = s
            .flags
            .iter()
            .map(|f| {
                serde_json::to_value(f)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            })
            .collect();
        let flag = |f: StatFlag, on: &'static str| if s.flags.contains(&f) { on } else { "ok" };
        t.push(row![
            s.code.clone(),
            num(m.min, 4),
            num(m.max, 4),
            num(m.mean, 4),
            num(m.median, 4),
            num(m.sd, 4),
            num(m.skew, 3),
            num(m.kurtosis, 3),
            m.available.to_string(),
            num(Some(m.share_available), 3),
            flag(StatFlag::LowAvailability, "LOW"),
            flag(StatFlag::Outliers, "OUT"),
            m.n.to_string(),
            num(Some(m.share_zero), 3),
            flags.join(" "),
        ]);
    }
    t
}

/// Pearson correlations between the indicators' normalised values (a square matrix).
pub fn correlation_matrix(a: &Analysis) -> Table {
    let c = &a.report.correlations;
    let mut header = vec!["iCode"];
    header.extend(c.codes.iter().map(String::as_str));
    let right: Vec<bool> = (0..header.len()).map(|k| k > 0).collect();
    let mut t = Table::new(&header, &right);
    for (code, r) in c.codes.iter().zip(&c.matrix) {
        let mut cells: Vec<Cell> = row![code.clone()];
        cells.extend(r.iter().map(|x| num(*x, 3)));
        t.push(cells);
    }
    t
}

/// Every table of the report, with its file name.
pub fn parts(run: &PipelineRun, a: &Analysis) -> Vec<Part> {
    let mut v = Vec::new();
    if !run.treated.is_empty() {
        v.push(Part {
            file: "Treatment.csv",
            table: treatment(run),
        });
    }
    v.push(Part {
        file: "Weights.csv",
        table: weights(&run.framework),
    });
    v.push(Part {
        file: "Statistics.csv",
        table: statistics(a),
    });
    v.push(Part {
        file: "Correlations.csv",
        table: correlation_matrix(a),
    });
    v
}

/// The JSON form: the scores (per unit) with every table of the report.
pub fn json(run: &PipelineRun, a: &Analysis) -> Result<serde_json::Value, String> {
    let scores = run.cohort_scores().map_err(|e| e.to_string())?;
    // The report's fields, as every surface names them (`PipelineRun::report`), after the
    // scores.
    let mut v = json!({ "scores": scores });
    if let (Some(out), serde_json::Value::Object(report)) = (v.as_object_mut(), json!(a.report)) {
        out.extend(report);
    }
    Ok(v)
}

/// The ranked index for a terminal: rank, unit, name, period, the index and the top-level
/// aggregates.
pub fn ranked(run: &PipelineRun) -> Table {
    let fw = &run.framework;
    let top: Vec<&str> = fw
        .def()
        .nodes
        .iter()
        .filter(|n| n.parent.is_none())
        .map(|n| n.code.as_str())
        .collect();
    // COINr's tables have one top aggregate, the index itself (the framework's total is the
    // same number): it is shown once, under its code, and the pillars beside it.
    let (index_code, shown): (&str, Vec<&str>) = match top[..] {
        [one] => (
            one,
            fw.def()
                .nodes
                .iter()
                .filter(|n| n.parent.as_deref() == Some(one))
                .map(|n| n.code.as_str())
                .collect(),
        ),
        _ => (fw.id(), top),
    };
    let top = shown;
    let mut header = vec!["rank", "uCode", "uName", "Time", index_code];
    header.extend(top.iter().copied());
    let right: Vec<bool> = header
        .iter()
        .enumerate()
        .map(|(k, _)| k == 0 || k >= 3)
        .collect();
    let mut t = Table::new(&header, &right);
    let (s, units) = (&run.scores, run.units());
    let index_rank = s.index.rank.as_deref().unwrap_or_default();
    let value = |x: f64| (!x.is_nan()).then_some(x);
    let top: Vec<&[f64]> = top
        .iter()
        .filter_map(|c| s.nodes.iter().find(|n| n.code == *c))
        .map(|n| n.value.as_slice())
        .collect();
    let mut rows: Vec<usize> = (0..units.len()).collect();
    rows.sort_by_key(|&u| {
        (
            units.periods[u],
            index_rank.get(u).copied().flatten().unwrap_or(u32::MAX),
        )
    });
    for u in rows {
        let mut cells = row![
            rank(index_rank.get(u).copied().flatten()),
            units.units[u].to_owned(),
            units.name(u).unwrap_or_default().to_owned(),
            units.periods[u].map(|p| p.to_string()).unwrap_or_default(),
            num(value(s.index.value[u]), 2),
        ];
        cells.extend(top.iter().map(|c| num(value(c[u]), 2)));
        t.push(cells);
    }
    t
}
