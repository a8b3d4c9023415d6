//! What the analysis commands (uncertainty, sensitivity, leave-one-out, plot uncertainty)
//! share: their framework and units (or COINr tables), progress, warnings, errors, designs.

use crate::prelude::*;

/// The records of one period (the chosen or latest one), for the analyses.
/// The framework of `--framework`, or of COINr tables with their data (as a loaded file).
pub fn framework_or_tables(
    fw: &FrameworkArgs,
    data: &DataArgs,
    tables: &TablesArgs,
) -> Result<(Framework, Option<Loaded>), Fail> {
    let (Some(meta), Some(table)) = (&tables.meta, &tables.table) else {
        return Ok((framework_for(fw, data)?, None));
    };
    let t = read_tables(
        &read_file(meta)?,
        &read_file(table)?,
        &TableOptions::default(),
    )
    .map_err(|e| {
        e.in_files(&meta.display().to_string(), &table.display().to_string())
            .to_string()
    })?;
    let mut loaded = Loaded::new(&table.display().to_string(), t.records());
    loaded.lines = (0..t.data.len()).map(|k| Some(k + 2)).collect();
    Ok((t.framework, Some(loaded)))
}

/// The framework and the records of one period (--year, default the latest) for an analysis.
pub fn analysis_inputs(
    fw: &FrameworkArgs,
    data: &DataArgs,
    tables: &TablesArgs,
) -> Result<(Framework, Vec<UnitRecord>), Fail> {
    let (fw, from_tables) = framework_or_tables(fw, data, tables)?;
    let units = match from_tables {
        Some(loaded) => {
            let year = latest(&loaded.units, data.year)?;
            loaded
                .units
                .into_iter()
                .filter(|u| u.period == year)
                .collect()
        }
        None => period_units(&fw, data)?,
    };
    Ok((fw, units))
}

/// Runs `f` with a progress bar on a terminal (hidden when piped).
pub fn with_progress<T>(
    what: &str,
    f: impl FnOnce(dti_core::analyses::Progress) -> Result<T, Fail>,
) -> Result<T, Fail> {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} runs ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(what.to_owned());
    let cb = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        true
    };
    let r = f(&cb);
    bar.finish_and_clear();
    r
}

/// Prints each warning on standard error.
pub fn warn_all(warnings: &[String]) {
    for w in warnings {
        say!("warning: {w}");
    }
}

/// An analysis error, located: a design problem names the design file, its line (CSV) or
/// JSON pointer and the column; a specification problem names the spec file.
pub fn analysis_error(
    e: dti_core::analyses::AnalysisError,
    spec: &Path,
    inputs: &[dti_core::analyses::Uncertain],
    design: Option<&PathBuf>,
) -> Fail {
    // The JSON pointer of the input a problem is about.
    let at = |name: &str| {
        inputs
            .iter()
            .position(|i| i.name == name)
            .map_or(String::new(), |k| format!(" /inputs/{k}:"))
    };
    match (&e, design) {
        (dti_core::analyses::AnalysisError::Spec { input, .. }, _) => {
            format!("{}:{} {e}", spec.display(), at(input))
        }
        (dti_core::analyses::AnalysisError::Conflict { second, .. }, _) => {
            format!("{}:{} {e}", spec.display(), at(second))
        }
        (
            dti_core::analyses::AnalysisError::Design {
                row,
                input,
                message,
            },
            Some(d),
        ) => {
            if d.extension().is_some_and(|x| x == "json") {
                format!("{}: /rows/{row}/{input}: {message}", d.display())
            } else {
                // The header is line 1: design row k (from 0) is line k + 2.
                format!(
                    "{}, line {}, column '{input}': {message}",
                    d.display(),
                    row + 2
                )
            }
        }
        (dti_core::analyses::AnalysisError::Score(_), _) => e.to_string(),
        _ => format!("{}: {e}", spec.display()),
    }
}

pub fn read_design(path: &Path) -> Result<Design, Fail> {
    let text = read_file(path)?;
    if path.extension().is_some_and(|e| e == "json") {
        return serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut rows = Vec::new();
    for (k, r) in reader.records().enumerate() {
        let r = r.map_err(|e| format!("{}, row {}: {e}", path.display(), k + 2))?;
        let row = header
            .iter()
            .zip(r.iter())
            .map(|(h, v)| {
                let cell = if let Ok(i) = v.parse::<u64>() {
                    DesignValue::Index(i)
                } else if let Ok(x) = v.parse::<f64>() {
                    DesignValue::Number(x)
                } else {
                    DesignValue::Name(v.to_owned())
                };
                (h.clone(), cell)
            })
            .collect();
        rows.push(row);
    }
    Ok(Design { rows })
}

pub fn draws_csv(d: &dti_core::analyses::Draws) -> String {
    let mut header: Vec<String> = vec!["run".to_owned()];
    header.extend(d.inputs.iter().cloned());
    header.extend(d.units.iter().map(|u| format!("rank_{u}")));
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&header);
    for (k, (choices, ranks)) in d.choices.iter().zip(&d.ranks).enumerate() {
        let mut row = vec![k.to_string()];
        row.extend(choices.iter().map(|c| match c {
            DesignValue::Index(i) => i.to_string(),
            DesignValue::Number(x) => x.to_string(),
            DesignValue::Name(s) => s.clone(),
        }));
        row.extend(ranks.iter().map(|r| rank(*r)));
        let _ = w.write_record(&row);
    }
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}
