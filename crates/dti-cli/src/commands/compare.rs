//! `dti compare`: two rankings (files, periods, frameworks; across the 2025 merger).

use crate::prelude::*;

/// `dti compare`.
pub fn run(args: CompareArgs, ctx: &Context) -> Result<(), Fail> {
    let CompareArgs {
        a,
        b,
        fw,
        framework_b,
        meta,
        year,
        from,
        to,
        out,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let Some(a) = a else {
        return compare_published(from, to, year, &sink(&out), out.format);
    };
    if b.is_none() && framework_b.is_none() && from.is_none() && to.is_none() {
        usage("compare needs a second data file, --framework-b, or --from/--to");
    }
    if b.is_none() && framework_b.is_none() && from == to {
        usage("--from and --to name the same period: there is nothing to compare");
    }
    let data_a = DataArgs::of(Some(a.clone()), from.or(year));
    let fw_b = framework_b.as_ref().map(|id| {
        load_framework(
            &FrameworkArgs {
                framework: Some(id.clone()),
                ..fw.clone()
            },
            id,
        )
    });
    let table = |path: &PathBuf| {
        framework_or_tables(
            &fw,
            &data_a,
            &TablesArgs {
                meta: meta.clone(),
                table: Some(path.clone()),
            },
        )
    };
    let (fw_a, la) = match &meta {
        Some(_) => table(&a)?,
        None => (framework_for(&fw, &data_a)?, None),
    };
    let fw_b = fw_b.transpose()?.unwrap_or_else(|| fw_a.clone());
    let la = match la {
        Some(l) => l,
        None => load_data(&fw_a, &data_a)?,
    };
    let lb = match &b {
        Some(path) if meta.is_some() => table(path)?.1,
        Some(path) => Some(load_data(
            &fw_b,
            &DataArgs::of(Some(path.clone()), to.or(year)),
        )?),
        None if framework_b.is_some() => Some(load_data(&fw_b, &data_a)?),
        None => None,
    };
    let pa = latest(&la.units, from.or(year))?;
    let a_name = Source::of(Some(&a), None).display();
    let b_name = b
        .as_ref()
        .map_or_else(|| a_name.clone(), |p| Source::of(Some(p), None).display());
    let b_units = &lb.as_ref().unwrap_or(&la).units;
    let pb = match to.or(year).or(pa) {
        Some(p) if !b_units.iter().any(|u| u.period == Some(p)) => {
            return Err(format!(
                "{b_name} has no data for {p} (it has {}): nothing to compare",
                periods_list(&b_units.iter().filter_map(|u| u.period).collect::<Vec<_>>())
            ))
        }
        p => p,
    };
    let sb = match &lb {
        Some(l) => score(&fw_b, l, false)?,
        None => score(&fw_a, &la, false)?,
    };
    let sa = across_merger(&fw_a, &la, pa, &sb, pb)?;
    let side = |path: &str, f: &Framework, p: Option<i32>| {
        let mut s = path.to_owned();
        if framework_b.is_some() {
            s.push_str(&format!(" [{}]", f.id()));
        }
        if let Some(p) = p {
            s.push_str(&format!(" {p}"));
        }
        s
    };
    comparison(
        &sa,
        &sb,
        (pa, pb),
        format!(
            "{} vs {}",
            side(&a_name, &fw_a, pa),
            side(&b_name, &fw_b, pb)
        ),
        &sink(&out),
        out.format,
    )
}

/// The baseline's scores: its records of period `pa` scored as they are — or, when they are
/// the 63 former provinces and the compared ranking (`sb`, period `pb`) the 34, merged onto
/// the 34 first by the ministry's rule, said on standard error.
pub fn across_merger(
    fw: &Framework,
    la: &Loaded,
    pa: Option<i32>,
    sb: &CohortScores,
    pb: Option<i32>,
) -> Result<CohortScores, Fail> {
    let before: Vec<UnitRecord> = la
        .units
        .iter()
        .filter(|u| u.period == pa)
        .cloned()
        .collect();
    let after: Vec<UnitRecord> = sb
        .units
        .iter()
        .filter(|u| u.period == pb)
        .map(|u| UnitRecord::new(&u.unit))
        .collect();
    if dti_core::analyses::cohort_era(&before) == Some(Era::Pre2025)
        && dti_core::analyses::cohort_era(&after) == Some(Era::From2025)
    {
        let opts = MergeOptions::default().score(score_options());
        let merged = merge_cohort(fw, &before, merger_2025(), &opts).map_err(|e| e.to_string())?;
        say!(
            "note: the {} provinces of {} merged onto the {} of the 2025 map first (plain means of \
             the former provinces' values, the ministry's DTI 2024 rule), then compared",
            before.len(),
            pa.map_or_else(|| "the baseline".to_owned(), |p| p.to_string()),
            merged.scores.units.len()
        );
        return Ok(merged.scores);
    }
    score(fw, la, false)
}

/// `dti compare` on the published DTI: the 63 provinces' values for 2022 and 2023 (and
/// 2024), the 34's for 2024, each year as published.
pub fn compare_published(
    from: Option<i32>,
    to: Option<i32>,
    year: Option<i32>,
    sink: &Sink,
    format: Format,
) -> Result<(), Fail> {
    let (pa, pb) = match (from.or(year), to.or(year)) {
        (None, None) => (2023, 2024),
        (Some(f), None) => (f, if f < 2024 { f + 1 } else { 2024 }),
        (None, Some(t)) => (if t > 2022 { t - 1 } else { 2022 }, t),
        (Some(f), Some(t)) => (f, t),
    };
    let fw = dti_core::model::total_framework();
    let side = |p: i32, later: bool| -> Result<Loaded, Fail> {
        let b = if later && p == 2024 {
            Bundled::Published2024
        } else {
            Bundled::Published63
        };
        let d = b.published().ok_or("no published data")?;
        let rows: Vec<UnitRecord> = d
            .rows
            .iter()
            .filter(|r| r.period == p)
            .map(|r| {
                UnitRecord::new(&r.unit)
                    .name(&r.name)
                    .period(p)
                    .value(dti_core::model::TOTAL_CODE, r.dti)
            })
            .collect();
        if rows.is_empty() {
            return Err(format!(
                "the published DTI has no {p} (it has 2022, 2023 and 2024): nothing to compare"
            ));
        }
        Ok(Loaded::new(b.file_name(), rows))
    };
    if pa == pb && pa != 2024 {
        usage("--from and --to name the same period: there is nothing to compare");
    }
    let (la, lb) = (side(pa, false)?, side(pb, true)?);
    let sb = score(&fw, &lb, false)?;
    let sa = across_merger(&fw, &la, Some(pa), &sb, Some(pb))?;
    comparison(
        &sa,
        &sb,
        (Some(pa), Some(pb)),
        format!("published DTI {pa} vs {pb}"),
        sink,
        format,
    )
}
