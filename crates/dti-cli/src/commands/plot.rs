//! `dti plot ranks | uncertainty | pillars`: the SVG charts (drawn by `crate::plot`).

use crate::prelude::*;

/// `dti plot`.
pub fn run(kind: PlotCommand, ascii: bool) -> Result<(), Fail> {
    match kind {
        PlotCommand::Ranks { fw, data, out } => {
            let fw = framework_for(&fw, &data)?;
            let loaded = load_data(&fw, &data)?;
            let year = latest(&loaded.units, data.year)?;
            let scores = score(&fw, &loaded, data.lenient)?;
            let mut shown: Vec<&UnitScore> =
                scores.units.iter().filter(|u| u.period == year).collect();
            shown.sort_by_key(|u| u.rank.unwrap_or(u32::MAX));
            let bars: Vec<(String, f64)> = shown
                .iter()
                .map(|u| (label(u, ascii), u.value.unwrap_or(0.0)))
                .collect();
            plot::ranks(&out, &title(&fw, year), &bars)
        }
        PlotCommand::Uncertainty {
            spec,
            fw,
            data,
            out,
        } => {
            let fw = framework_for(&fw, &data)?;
            let units = period_units(&fw, &data)?;
            let s: UncertaintySpec = serde_json::from_str(&read_file(&spec)?)
                .map_err(|e| format!("{}: {e}", spec.display()))?;
            let result = with_progress("uncertainty", |p| {
                uncertainty(&fw, &units, &s, Some(p))
                    .map_err(|e| analysis_error(e, &spec, &s.inputs, None))
            })?;
            warn_all(&result.warnings);
            let names: BTreeMap<&str, String> = units
                .iter()
                .map(|u| {
                    (
                        u.unit.as_str(),
                        u.name.clone().unwrap_or_else(|| u.unit.clone()),
                    )
                })
                .collect();
            let mut rows: Vec<_> = result.units.iter().collect();
            rows.sort_by(|a, b| {
                a.median_rank
                    .unwrap_or(f64::MAX)
                    .total_cmp(&b.median_rank.unwrap_or(f64::MAX))
            });
            let bars: Vec<(String, f64, f64, f64)> = rows
                .iter()
                .map(|u| {
                    let n = names
                        .get(u.unit.as_str())
                        .cloned()
                        .unwrap_or_else(|| u.unit.clone());
                    (
                        fold_if(&n, ascii),
                        u.median_rank.unwrap_or(0.0),
                        u.rank_p05.unwrap_or(0.0),
                        u.rank_p95.unwrap_or(0.0),
                    )
                })
                .collect();
            plot::intervals(
                &out,
                &format!("Rank intervals (5–95 %), {} runs", result.runs),
                &bars,
            )
        }
        PlotCommand::Pillars {
            unit,
            fw,
            data,
            out,
        } => {
            let fw = framework_for(&fw, &data)?;
            let loaded = load_data(&fw, &data)?;
            let year = latest(&loaded.units, data.year)?;
            let scores = score(&fw, &loaded, data.lenient)?;
            let u = find_unit(&scores, &unit, year)?;
            let bars: Vec<(String, f64)> = pillars(&fw)
                .iter()
                .map(|(c, view, at)| (c.clone(), pillar_value(u, c, *view, *at).0.unwrap_or(0.0)))
                .chain([(fw.id().to_owned(), u.value.unwrap_or(0.0))])
                .collect();
            plot::pillars(
                &out,
                &format!(
                    "{}{}",
                    label(u, ascii),
                    year.map(|y| format!(", {y}")).unwrap_or_default()
                ),
                &bars,
            )
        }
    }
}
