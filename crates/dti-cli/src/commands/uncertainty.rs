//! `dti uncertainty`: rank intervals under uncertain weights and methods.

use crate::prelude::*;

/// `dti uncertainty`.
pub fn run(args: UncertaintyArgs, ctx: &Context) -> Result<(), Fail> {
    let UncertaintyArgs {
        spec,
        fw,
        data,
        tables,
        design,
        draws,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let cli_ties = ctx.ties;
    let (fw, units) = analysis_inputs(&fw, &data, &tables)?;
    let mut s: UncertaintySpec =
        serde_json::from_str(&read_file(&spec)?).map_err(|e| format!("{}: {e}", spec.display()))?;
    s.keep_draws |= draws.is_some();
    if let Some(t) = cli_ties {
        s.ties = t;
    }
    let result = with_progress("uncertainty", |p| match &design {
        Some(d) => {
            let design = read_design(d)?;
            uncertainty_design(&fw, &units, &s, &design, Some(p))
                .map_err(|e| analysis_error(e, &spec, &s.inputs, Some(d)))
        }
        None => uncertainty(&fw, &units, &s, Some(p))
            .map_err(|e| analysis_error(e, &spec, &s.inputs, None)),
    })?;
    warn_all(&result.warnings);
    if let (Some(path), Some(d)) = (&draws, &result.draws) {
        files::write(path, &draws_csv(d))?;
    }
    // Each unit with its name and period, under a title naming the framework: ids alone
    // do not say which province or which year a row is.
    let names: std::collections::HashMap<(&str, Option<i32>), &str> = units
        .iter()
        .filter_map(|u| Some(((u.unit.as_str(), u.period), u.name.as_deref()?)))
        .collect();
    let mut periods: Vec<i32> = result.units.iter().filter_map(|u| u.period).collect();
    periods.sort_unstable();
    periods.dedup();
    let mut t = Table::new(
        &[
            "unit",
            "name",
            "period",
            "nominal rank",
            "median rank",
            "p5 rank",
            "p95 rank",
            "mean rank",
            "nominal value",
            "p5 value",
            "p95 value",
        ],
        &[
            false, false, true, true, true, true, true, true, true, true, true,
        ],
    );
    t.title = Some(format!(
        "Uncertainty analysis of {}{}, {} runs",
        fw.id(),
        if periods.is_empty() {
            String::new()
        } else {
            format!(" ({})", periods_list(&periods))
        },
        result.runs
    ));
    let mut rows: Vec<_> = result.units.iter().collect();
    rows.sort_by_key(|u| (u.period, u.nominal_rank.unwrap_or(u32::MAX)));
    for u in rows {
        t.push(row![
            u.unit.clone(),
            names
                .get(&(u.unit.as_str(), u.period))
                .map(|n| (*n).to_owned())
                .unwrap_or_default(),
            u.period.map(|p| p.to_string()).unwrap_or_default(),
            rank(u.nominal_rank),
            num(u.median_rank, 1),
            num(u.rank_p05, 1),
            num(u.rank_p95, 1),
            num(u.mean_rank, 2),
            num(u.nominal_value, 4),
            num(u.value_p05, 4),
            num(u.value_p95, 4),
        ]);
    }
    sink(&out).emit(out.format, &t, || {
        serde_json::to_value(&result).unwrap_or_default()
    })
}
