//! `dti sensitivity`: Sobol indices of the rank changes.

use crate::prelude::*;

/// `dti sensitivity`.
pub fn run(args: SensitivityArgs, ctx: &Context) -> Result<(), Fail> {
    let SensitivityArgs {
        spec,
        fw,
        data,
        tables,
        design,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let cli_ties = ctx.ties;
    let (fw, units) = analysis_inputs(&fw, &data, &tables)?;
    let mut s: SensitivitySpec =
        serde_json::from_str(&read_file(&spec)?).map_err(|e| format!("{}: {e}", spec.display()))?;
    if let Some(t) = cli_ties {
        s.ties = t;
    }
    let result = with_progress("sensitivity", |p| match &design {
        Some(d) => {
            let design = read_design(d)?;
            sensitivity_design(&fw, &units, &s, &design, Some(p))
                .map_err(|e| analysis_error(e, &spec, &s.inputs, Some(d)))
        }
        None => sensitivity(&fw, &units, &s, Some(p))
            .map_err(|e| analysis_error(e, &spec, &s.inputs, None)),
    })?;
    warn_all(&result.warnings);
    let mut t = Table::new(
        &[
            "input",
            "first order",
            "95% interval",
            "total",
            "95% interval",
        ],
        &[false, true, true, true, true],
    );
    t.title = Some(format!(
        "Sobol indices of the mean absolute rank change ({} runs, variance {:.4})",
        result.runs, result.variance
    ));
    let ci = |c: Option<(f64, f64)>| c.map_or("-".to_owned(), |(a, b)| format!("{a:.3}..{b:.3}"));
    for ix in &result.indices {
        t.push(row![
            ix.input.clone(),
            num(Some(ix.first_order), 3),
            ci(ix.first_order_ci),
            num(Some(ix.total), 3),
            ci(ix.total_ci),
        ]);
    }
    sink(&out).emit(out.format, &t, || {
        serde_json::to_value(&result).unwrap_or_default()
    })
}
