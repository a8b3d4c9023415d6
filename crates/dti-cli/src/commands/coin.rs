//! `dti coin`: COINr's two tables through the reference tool's steps.

use crate::prelude::*;
use dti_core::io::{PipelineRun, Tables};

/// `dti coin`.
pub fn run(args: CoinArgs, ctx: &Context) -> Result<(), Fail> {
    let CoinArgs {
        meta,
        data,
        denominate,
        impute,
        screen,
        treat,
        normalise,
        aggregate,
        directions,
        out_dir,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let cli_ties = ctx.ties;
    let tables = read_tables(
        &read_file(&meta)?,
        &read_file(&data)?,
        &TableOptions::default(),
    )
    .map_err(|e| {
        e.in_files(&meta.display().to_string(), &data.display().to_string())
            .to_string()
    })?;
    check_group(&impute, &tables, &data);
    let p = Pipeline::default()
        .denominate(denominate)
        .impute(impute)
        .screen(screen)
        .treat(treat)
        .normalise(normalise)
        .aggregate(aggregate)
        .ties(cli_ties)
        .ignore_directions(directions == Directions::Ignore);
    let run = run_pipeline(&tables, &p).map_err(|e| e.to_string())?;
    for m in &run.missing_denominators {
        say!(
            "warning: data row {}, indicator '{}': no denominator '{}'; value left missing",
            m.row + 2,
            m.indicator,
            m.denominator
        );
    }
    for s in &run.screened {
        say!(
            "note: unit '{}' screened out ({:.0}% of indicators available)",
            s.unit.unit,
            s.share_available * 100.0
        );
    }
    let results = write_results_as(&run, csv_text_rule());
    // Statistics and correlations, computed once for --out-dir and --format json.
    let mut analysis: Option<coin::Analysis> = None;
    if let Some(dir) = out_dir {
        write_out_dir(&dir, &run, &results, &mut analysis)?;
    }
    match out.format {
        Format::Json => sink(&out).write(
            &(serde_json::to_string_pretty(&coin::json(
                &run,
                analysis.get_or_insert_with(|| coin::Analysis::of(&run)),
            )?)
            .unwrap_or_default()
                + "\n"),
        ),
        Format::Table => {
            let mut t = coin::ranked(&run);
            t.title = Some(format!("{} — COINr pipeline", run.framework.id()));
            sink(&out).write(&t.render())
        }
        Format::Csv => sink(&out).write(&results),
    }
}

/// `--impute group_mean:G` (or median) names a group column of the data table, or the
/// command stops with the columns it has.
fn check_group(impute: &Option<dti_core::methods::Imputation>, tables: &Tables, data: &Path) {
    if let Some(
        dti_core::methods::Imputation::GroupMean { group }
        | dti_core::methods::Imputation::GroupMedian { group },
    ) = impute
    {
        if !tables.data.groups.iter().any(|g| g.contains_key(group)) {
            let mut known: Vec<&String> =
                tables.data.groups.iter().flat_map(|g| g.keys()).collect();
            known.sort();
            known.dedup();
            usage(&format!(
                "--impute: the data table {} has no group column '{group}' (its group columns: {})",
                data.display(),
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ));
        }
    }
}

/// `--out-dir`: every data set, the results, the statistics and correlations as CSV files,
/// every path checked before any is written (no partial set of outputs).
fn write_out_dir(
    dir: &Path,
    run: &PipelineRun,
    results: &str,
    analysis: &mut Option<coin::Analysis>,
) -> Result<(), Fail> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // Every data set, then the Normalised and Aggregated ones (built on request).
    let (normalised, aggregated) = (run.normalised(), run.aggregated());
    let mut files: Vec<(String, String)> = run
        .data
        .iter()
        .chain([&normalised, &aggregated])
        .map(|d| {
            (
                format!("{}.csv", d.name),
                write_data_as(&run.framework, &d.panel, csv_text_rule()),
            )
        })
        .collect();
    files.push(("Results.csv".to_owned(), results.to_owned()));
    files.extend(
        coin::parts(run, analysis.get_or_insert_with(|| coin::Analysis::of(run)))
            .into_iter()
            .map(|p| (p.file.to_owned(), p.table.csv())),
    );
    // Every path is checked before any is written: no partial set of outputs.
    for (name, _) in &files {
        files::check(&dir.join(name))?;
    }
    for (name, text) in files {
        files::write(&dir.join(name), &text)?;
    }
    Ok(())
}
