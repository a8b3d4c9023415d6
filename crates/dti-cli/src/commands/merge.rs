//! `dti merge`: merged units scored from their former units.

use crate::prelude::*;

/// `dti merge`.
pub fn run(args: MergeArgs, ctx: &Context) -> Result<(), Fail> {
    let MergeArgs {
        fw,
        mut data,
        map,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    // The former provinces are what merges: by default the published DTI of the 63.
    if data.data.is_none() && map.is_none() {
        data.data = Some(PathBuf::from("published:dti-63"));
    }
    let fw = framework_for(&fw, &data)?;
    let loaded = load_data(&fw, &data)?;
    let units = &loaded.units;
    let year = latest(units, data.year)?;
    let map = match map {
        None => merger_2025().clone(),
        Some(p) => {
            resolve_map(&read_file(&p)?, units).map_err(|e| format!("{}: {e}", p.display()))?
        }
    };
    let opts = MergeOptions::default()
        .lenient(data.lenient)
        .score(score_options());
    let merged = merge_cohort(&fw, units, &map, &opts).map_err(|e| match e {
        dti_core::analyses::MergeError::Score(s) => score_error(s, &loaded),
        other => other.to_string(),
    })?;
    for p in &merged.problems {
        say!("warning: {p}");
    }
    for u in &merged.unmapped {
        say!(
            "warning: row {}, unit '{}' belongs to no merged unit",
            u.row + 2,
            u.unit
        );
    }
    let shown: Vec<&UnitScore> = merged
        .scores
        .units
        .iter()
        .filter(|u| u.period == year)
        .collect();
    let t = ranked_table(&fw, &shown, format!("{} — merged units", title(&fw, year)));
    sink(&out).emit(out.format, &t, || {
        serde_json::to_value(&merged).unwrap_or_default()
    })
}
