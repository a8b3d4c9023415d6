//! `dti leave-one-out`: each component of a level left out in turn.

use crate::prelude::*;

/// `dti leave-one-out`.
pub fn run(args: LeaveOneOutArgs, ctx: &Context) -> Result<(), Fail> {
    let LeaveOneOutArgs {
        fw,
        data,
        tables,
        depth,
        level,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let (fw, units) = analysis_inputs(&fw, &data, &tables)?;
    let depth = match (depth, level) {
        (Some(d), _) => d,
        // COINr's levels count from the indicators up: level L is depth D + 1 − L
        // for a tree whose deepest leaves are at depth D.
        (None, Some(l)) => {
            let deepest = fw
                .leaves()
                .map(|n| fw.depth(&n.code).unwrap_or(0))
                .max()
                .unwrap_or(0);
            if l == 0 || l > deepest {
                usage(&format!(
                    "--level {l}: the framework's levels are 1 (indicators) to {deepest}"
                ));
            }
            deepest + 1 - l
        }
        (None, None) => 2,
    };
    let loo = leave_one_out(&fw, &units, depth).map_err(|e| e.to_string())?;
    let mut t = Table::new(
        &["component", "mean |rank change|", "largest change"],
        &[false, true, true],
    );
    t.title = Some(format!("Leaving each component at depth {depth} out"));
    for c in &loo.components {
        let max = c
            .shifts
            .iter()
            .flatten()
            .map(|s| s.abs())
            .max()
            .unwrap_or(0);
        t.push(row![
            c.code.clone(),
            num(Some(c.mean_abs_rank_shift), 2),
            max.to_string(),
        ]);
    }
    sink(&out).emit(out.format, &t, || {
        serde_json::to_value(&loo).unwrap_or_default()
    })
}
