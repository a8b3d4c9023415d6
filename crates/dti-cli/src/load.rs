//! Loading, in one place: frameworks (built-in, files, extensions, supplements), data
//! (files, bundled data, Parquet), the checks said aloud, scoring, periods and units.

use crate::prelude::*;

/// Reads a text file: UTF-8 (with or without a byte-order mark) or UTF-16 with one; other
/// encodings are an error naming the first line that is not UTF-8.
pub fn read_file(path: &Path) -> Result<String, Fail> {
    let bytes = files::read(path)?;
    data::decode(&path.display().to_string(), bytes).map_err(|e| e.to_string())
}

pub fn report(errors: Vec<DataError>) -> Fail {
    dti_core::io::describe_with(&errors, &hint)
}

/// A problem's hint in the command's words: its flags.
pub fn hint(h: dti_core::io::Hint) -> &'static str {
    match h {
        dti_core::io::Hint::Groups => "use --group for grouping columns",
        dti_core::io::Hint::Delimiter => "choose the separator with --delimiter",
        _ => "",
    }
}

/// The framework of a command whose data is `data`: --framework, or the data's own.
pub fn framework_for(args: &FrameworkArgs, data: &DataArgs) -> Result<Framework, Fail> {
    let source = Source::of(data.data.as_deref(), data.year);
    load_framework(args, source.framework(data.year))
}

pub fn load_framework(args: &FrameworkArgs, default: &str) -> Result<Framework, Fail> {
    let id = args.framework.as_deref().unwrap_or(default);
    let path = Path::new(id);
    // A file that exists is a file, whatever its name (`vn-mine.json`, `fwfile`); else an id.
    let mut def = if id == "total" {
        dti_core::model::total_framework().into_def()
    } else if path.is_file() || (path.extension().is_some() && !id.starts_with("vn-")) {
        let text = read_file(path)?;
        let parsed: Result<FrameworkDef, String> = if id.ends_with(".toml") {
            toml_def(&text)
        } else {
            serde_json::from_str(&text).map_err(|e| e.to_string())
        };
        parsed.map_err(|e| format!("{}: {e}", path.display()))?
    } else {
        FrameworkDef::builtin(id).map_err(|e| e.to_string())?
    };
    for ext in &args.extension {
        let text = read_file(ext)?;
        let e = if ext.extension().is_some_and(|x| x == "toml") {
            Extension::from_toml(&text)
        } else {
            Extension::from_json(&text)
        }
        .map_err(|e| format!("{}: {e}", ext.display()))?;
        // A framework that was whole before the extension and is not after it: the
        // extension's problems, named by the extension file.
        let whole = Framework::new(def.clone()).is_ok();
        def.extend(&e)
            .map_err(|e| format!("{}: {e}", ext.display()))?;
        if whole {
            if let Err(e) = Framework::new(def.clone()) {
                return Err(format!("{}: {e}", ext.display()));
            }
        }
    }
    if let Some(s) = &args.supplement {
        let sup: Supplement =
            serde_json::from_str(&read_file(s)?).map_err(|e| format!("{}: {e}", s.display()))?;
        def.supplement(&sup)
            .map_err(|e| format!("{}: {e}", s.display()))?;
    }
    Framework::new(def).map_err(|e| format!("framework {id}: {e}"))
}

pub fn toml_def(text: &str) -> Result<FrameworkDef, String> {
    Framework::from_toml(text)
        .map(Framework::into_def)
        .map_err(|e| e.to_string())
}

pub fn load_data(fw: &Framework, args: &DataArgs) -> Result<Loaded, Fail> {
    let source = Source::of(args.data.as_deref(), args.year);
    let loaded = match &source {
        Source::File(p) => load_file(
            p,
            fw,
            args.layout,
            &args.group,
            args.lenient,
            args.delimiter,
        ),
        Source::Bundled(b) => load_bundled(fw, *b, args.lenient),
    }?;
    said_aloud(fw, &loaded, &source.display())?;
    Ok(loaded)
}

/// What would score silently wrong is said: data with no unit at all is an error; an
/// indicator that no unit reports (every unit would score 0 of its points) and a unit that
/// reports nothing, and a unit of a provincial framework that is not a province, are
/// warnings naming them.
pub fn said_aloud(fw: &Framework, loaded: &Loaded, name: &str) -> Result<(), Fail> {
    if loaded.units.is_empty() && loaded.file_problems.is_empty() {
        return Err(format!("{name} holds no unit: nothing to score"));
    }
    for m in dti_core::engine::absent(fw, &loaded.units).messages() {
        say!("warning: {name}: {m}");
    }
    for m in dti_core::engine::not_provinces(fw, loaded.units.iter().map(|u| u.unit.as_str())) {
        say!("warning: {name}: {m}");
    }
    Ok(())
}

/// A bundled data set, read as its file would be (the published tables' notes about result
/// columns read past are not repeated: they are the tables as published).
pub fn load_bundled(fw: &Framework, b: Bundled, lenient: bool) -> Result<Loaded, Fail> {
    // The published tables as the core resolves them (registry ids, names as published),
    // whatever the framework; the synthetic panel as its file.
    if let Some(d) = b.published() {
        return Ok(Loaded::new(b.file_name(), d.records()));
    }
    let loaded =
        read_records(b.file_name(), b.text(), fw, Layout::Auto, &[], None).map_err(report)?;
    checked(fw, loaded, lenient)
}

/// In strict mode, rows the reader could not take are an error — reported together with
/// every problem of the values in the rows it could; in lenient mode they are kept for the
/// warnings and the summary.
pub fn checked(fw: &Framework, loaded: Loaded, lenient: bool) -> Result<Loaded, Fail> {
    for n in &loaded.notes {
        say!("note: {n}");
    }
    if lenient || loaded.file_problems.is_empty() {
        return Ok(loaded);
    }
    let all: Vec<String> = loaded
        .problems(fw, &score_options())
        .iter()
        .map(ToString::to_string)
        .collect();
    Err(format!(
        "{} problem(s) in the input:\n  - {}",
        all.len(),
        all.join("\n  - ")
    ))
}

/// Reads a data file: Parquet by its extension, else CSV or JSON text.
pub fn load_file(
    path: &Path,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
    lenient: bool,
    delimiter: Option<u8>,
) -> Result<Loaded, Fail> {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
    {
        files::register(path);
        return load_parquet(path, fw, layout, groups, lenient);
    }
    let loaded = read_records(
        &path.display().to_string(),
        &read_file(path)?,
        fw,
        layout,
        groups,
        delimiter,
    )
    .map_err(report)?;
    checked(fw, loaded, lenient)
}

#[cfg(feature = "polars")]
pub fn load_parquet(
    path: &Path,
    fw: &Framework,
    layout: Layout,
    groups: &[String],
    lenient: bool,
) -> Result<Loaded, Fail> {
    let (loaded, left_out) =
        data::read_parquet(path, fw, layout, groups, lenient).map_err(report)?;
    for e in left_out {
        say!("warning: {e}");
    }
    Ok(loaded)
}

#[cfg(not(feature = "polars"))]
pub fn load_parquet(
    path: &Path,
    _: &Framework,
    _: Layout,
    _: &[String],
    _: bool,
) -> Result<Loaded, Fail> {
    Err(format!(
        "{}: reading Parquet needs the `polars` feature, which this build of dti does not have \
         (cargo install dti-cli --features polars), or convert the file to CSV",
        path.display()
    ))
}

/// A scoring error, with every input problem located in its file.
pub fn score_error(e: dti_core::ScoreError, data: &Loaded) -> Fail {
    match e {
        dti_core::ScoreError::Input { problems } => {
            dti_core::engine::describe_input(&problems, &|p| data.locate(p))
        }
        other => other.to_string(),
    }
}

pub fn latest(units: &[UnitRecord], year: Option<i32>) -> Result<Option<i32>, Fail> {
    let periods: Vec<i32> = units.iter().filter_map(|u| u.period).collect();
    latest_of(&periods, year)
}

/// The period shown: `year` if the data has it, else the latest.
pub fn latest_of(periods: &[i32], year: Option<i32>) -> Result<Option<i32>, Fail> {
    match year {
        Some(y) if !periods.contains(&y) => Err(format!(
            "no data for {y}; the data has {}",
            periods_list(periods)
        )),
        Some(y) => Ok(Some(y)),
        None => Ok(periods.iter().copied().max()),
    }
}

pub fn periods_list(p: &[i32]) -> String {
    let mut v = p.to_vec();
    v.sort_unstable();
    v.dedup();
    if v.is_empty() {
        "no periods".to_owned()
    } else {
        v.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
    }
}

pub fn score(fw: &Framework, data: &Loaded, lenient: bool) -> Result<CohortScores, Fail> {
    score_records(fw, &data.units, data, lenient)
}

pub fn score_records(
    fw: &Framework,
    units: &[UnitRecord],
    data: &Loaded,
    lenient: bool,
) -> Result<CohortScores, Fail> {
    let opts = score_options().lenient(lenient);
    let s = fw
        .score_with(units, &opts)
        .map_err(|e| score_error(e, data))?;
    for p in &data.file_problems {
        say!("warning: {p} (row left out)");
    }
    for p in &s.problems {
        say!("warning: {}", data.locate(p));
    }
    if lenient && (!s.problems.is_empty() || !data.file_problems.is_empty()) {
        let mut units: Vec<(&str, Option<i32>)> = s
            .problems
            .iter()
            .map(|p| (p.unit.as_str(), p.period))
            .collect();
        units.sort_unstable();
        units.dedup();
        say!(
            "warning: lenient: {} problem(s); {} unit(s) scored without their rejected values \
             (counted as missing), {} row(s) left out",
            s.problems.len() + data.file_problems.len(),
            units.len(),
            data.file_problems.len()
        );
    }
    Ok(s)
}

pub fn period_units(fw: &Framework, data: &DataArgs) -> Result<Vec<UnitRecord>, Fail> {
    let loaded = load_data(fw, data)?;
    let year = latest(&loaded.units, data.year)?;
    // Each kept record's position in the loaded data, to locate its problems in the file.
    let (rows, units): (Vec<usize>, Vec<UnitRecord>) = loaded
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.period == year)
        .map(|(k, u)| (k, u.clone()))
        .unzip();
    // Report input problems with their file lines before an analysis runs.
    fw.score_with(&units, &score_options().explain(false))
        .map_err(|e| match e {
            dti_core::ScoreError::Input { problems } => {
                let located: Vec<String> = problems
                    .iter()
                    .map(|p| {
                        let at = |k: usize| rows.get(k).copied().unwrap_or(k);
                        let kind = match p.kind {
                            dti_core::InputErrorKind::DuplicateUnit { first_row } => {
                                dti_core::InputErrorKind::DuplicateUnit {
                                    first_row: at(first_row),
                                }
                            }
                            ref k => k.clone(),
                        };
                        loaded.locate(&dti_core::InputError {
                            row: at(p.row),
                            kind,
                            ..p.clone()
                        })
                    })
                    .collect();
                format!(
                    "{} problem(s) in the input:\n  - {}",
                    located.len(),
                    located.join("\n  - ")
                )
            }
            other => other.to_string(),
        })?;
    Ok(units)
}

/// A user's merge map: entries that are not unit ids are looked up as province names.
pub fn resolve_map(text: &str, units: &[UnitRecord]) -> Result<MergeMap, String> {
    let raw = MergeMap::from_csv(text).map_err(|e| e.to_string())?;
    let ids: Vec<&str> = units.iter().map(|u| u.unit.as_str()).collect();
    let mut map = MergeMap::default();
    for g in &raw.groups {
        let (unit, name) = match find_province(&g.unit, Era::From2025) {
            Ok(p) if !ids.contains(&g.unit.as_str()) => (p.code.clone(), Some(p.name_vi.clone())),
            _ => (g.unit.clone(), None),
        };
        for f in &g.from {
            let former = if ids.contains(&f.as_str()) {
                f.clone()
            } else {
                find_province(f, Era::Pre2025)
                    .map(|p| p.code.clone())
                    .unwrap_or_else(|_| f.clone())
            };
            map.add(&unit, name.as_deref(), &former);
        }
    }
    Ok(map)
}

pub fn find_unit<'a>(
    scores: &'a CohortScores,
    query: &str,
    period: Option<i32>,
) -> Result<&'a UnitScore, Fail> {
    // The core's resolver (id, name up to case and diacritics, a province's name), within
    // the year asked for.
    scores
        .find_unit(query, period)
        .filter(|u| u.period == period)
        .ok_or_else(|| {
            format!(
                "no unit '{query}'{} in the data",
                period.map(|p| format!(" in {p}")).unwrap_or_default()
            )
        })
}
