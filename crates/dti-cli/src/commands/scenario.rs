//! `dti scenario`: a what-if scenario against the baseline.

use crate::prelude::*;

/// `dti scenario`.
pub fn run(args: ScenarioArgs, ctx: &Context) -> Result<(), Fail> {
    let ScenarioArgs {
        file,
        fw,
        data,
        tables,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let (fw, from_tables) = framework_or_tables(&fw, &data, &tables)?;
    let loaded = match from_tables {
        Some(l) => l,
        None => load_data(&fw, &data)?,
    };
    let units = &loaded.units;
    let year = latest(units, data.year)?;
    let scenario: Scenario =
        serde_json::from_str(&read_file(&file)?).map_err(|e| format!("{}: {e}", file.display()))?;
    let (fw2, units2) = scenario
        .apply(&fw, units)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let base = score(&fw, &loaded, data.lenient)?;
    // A value the scenario set is the scenario's: its problems name the scenario file.
    let applied = Loaded::new(
        &format!(
            "{} (applied to {})",
            file.display(),
            Source::of(data.data.as_deref(), data.year).display()
        ),
        units2,
    );
    let after = score(&fw2, &applied, data.lenient)?;
    let name = if scenario.name.is_empty() {
        file.display().to_string()
    } else {
        scenario.name.clone()
    };
    comparison(
        &base,
        &after,
        (year, year),
        format!("Scenario: {name}"),
        &sink(&out),
        out.format,
    )
}
