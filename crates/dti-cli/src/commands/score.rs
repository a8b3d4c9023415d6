//! `dti score`: the ranked table, the published values beside, and the fast path for a
//! clean wide CSV.

use crate::prelude::*;

/// `dti score`.
pub fn run(args: ScoreArgs, ctx: &Context) -> Result<(), Fail> {
    let ScoreArgs { fw, data, out } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let fw = framework_for(&fw, &data)?;
    if let Some(done) = score_wide(&fw, &data, &out, &sink(&out))? {
        return Ok(done);
    }
    let loaded = load_data(&fw, &data)?;
    let year = latest(&loaded.units, data.year)?;
    let scores = score(&fw, &loaded, data.lenient)?;
    let shown: Vec<&UnitScore> = scores.units.iter().filter(|u| u.period == year).collect();
    // Every result row carries the problems of its unit (lenient mode).
    let problems = unit_problems(&scores, &loaded);
    let mut t = ranked_table(&fw, &shown, title(&fw, year));
    let source = Source::of(data.data.as_deref(), data.year);
    let published = source
        .bundled()
        .and_then(|b| published_beside(&mut t, b, &shown, year));
    if let Some(b) = source.bundled() {
        t.notes.push(b.source_line());
    }
    if data.lenient {
        t.header.push("problems".to_owned());
        t.right.push(false);
        for (row, u) in t.rows.iter_mut().zip(sorted_for_table(&shown)) {
            let p = problems
                .get(&(u.unit.clone(), u.period))
                .map(|v| v.join("; "));
            row.push(p.unwrap_or_default().into());
        }
    }
    sink(&out).emit(out.format, &t, || {
        let mut v = serde_json::to_value(&shown).unwrap_or_default();
        if let Some(list) = v.as_array_mut() {
            for (item, u) in list.iter_mut().zip(&shown) {
                crate::ranked::name_opportunities(&fw, item);
                let p = problems
                    .get(&(u.unit.clone(), u.period))
                    .cloned()
                    .unwrap_or_default();
                if let Some(o) = item.as_object_mut() {
                    o.insert("problems".to_owned(), serde_json::json!(p));
                    if let Some(row) = published.as_ref().and_then(|m| m.get(&u.unit)) {
                        o.insert("published_value".to_owned(), serde_json::json!(row.dti));
                        o.insert("published_rank".to_owned(), serde_json::json!(row.rank));
                    }
                }
            }
        }
        v
    })
}

/// The published value (and rank, where published) beside each computed one, with a flag
/// where the two differ by more than the published rounding (half a unit in the 4th
/// decimal). The published rows by unit, when the data are a published table of `year`.
pub fn published_beside(
    t: &mut Table,
    b: Bundled,
    shown: &[&UnitScore],
    year: Option<i32>,
) -> Option<BTreeMap<String, &'static dti_core::model::PublishedRow>> {
    let d = b.published().filter(|d| d.framework != "total")?;
    let rows: BTreeMap<String, &dti_core::model::PublishedRow> = d
        .rows
        .iter()
        .filter(|r| Some(r.period) == year)
        .map(|r| (r.unit.clone(), r))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let ranked = d.rows.iter().any(|r| r.rank.is_some());
    t.header.push("published".to_owned());
    t.right.push(true);
    if ranked {
        t.header.push("pub. #".to_owned());
        t.right.push(true);
    }
    t.header.push("≠".to_owned());
    t.right.push(false);
    let half = 0.5 * 10f64.powi(-i32::from(d.decimals));
    let mut flagged = 0;
    for (row, u) in t.rows.iter_mut().zip(sorted_for_table(shown)) {
        let p = rows.get(&u.unit);
        row.push(num(p.map(|r| r.dti), 4));
        if ranked {
            row.push(rank(p.and_then(|r| r.rank)).into());
        }
        let differs = match (u.value, p) {
            (Some(v), Some(r)) => (v - r.dti).abs() > half + 1e-12,
            _ => true,
        };
        flagged += usize::from(differs);
        row.push(if differs { "*" } else { "" }.into());
    }
    t.notes.push(format!(
        "published: the ministry's value{}. * marks the {flagged} of {} values that differ from it \
         by more than its rounding (±{half}): the inputs are published rounded to {} decimals.",
        if ranked { " and rank" } else { "" },
        shown.len(),
        d.decimals
    ));
    Some(rows)
}

/// `dti score` of a clean wide CSV (every indicator cell a number or empty), strict, as a
/// table or CSV: read straight into columns and scored by the engine's column adapter, with
/// no record or result struct per unit — the same engine as the record path, so the same
/// numbers (tests/columns.rs checks the two readers agree to the bit). `None`: any other
/// input or output takes the record path, which reports everything a file can hold wrong.
pub fn score_wide(
    fw: &Framework,
    data: &DataArgs,
    out: &OutputArgs,
    sink: &Sink,
) -> Result<Option<()>, Fail> {
    if data.lenient || out.format == Format::Json {
        return Ok(None);
    }
    let Some((name, text)) = wide_source(data)? else {
        return Ok(None);
    };
    let Some(mut wide) =
        data::read_wide_numbers(&name, &text, fw, data.layout, &data.group, data.delimiter)
    else {
        return Ok(None);
    };
    drop(text);
    for n in &wide.notes {
        say!("note: {n}");
    }
    if wide.panel.is_empty() {
        return Err(format!("{name} holds no unit: nothing to score"));
    }
    for m in dti_core::engine::absent_in_panel(fw, &wide.panel).messages() {
        say!("warning: {name}: {m}");
    }
    for m in dti_core::engine::not_provinces(fw, wide.panel.units.iter()) {
        say!("warning: {name}: {m}");
    }
    let periods: Vec<i32> = wide.panel.periods.iter().flatten().copied().collect();
    let year = latest_of(&periods, data.year)?;
    let cols = pillars(fw);
    let opts = dti_core::ColumnOptions::default()
        .node_ranks(cols.iter().any(|(_, view, _)| !view))
        // Only the pillars are shown: the other nodes' columns are not kept.
        .nodes(false)
        .ties(score_options().ties);
    // The panel's columns move into the engine (scored in place): nothing below reads them.
    let s = dti_core::score_columns_owned(fw, wide.panel.take_input(), &opts).map_err(|e| {
        // The rows' lines, for the message (made only then: 16 MB of a million rows).
        let mut located = Loaded::new(&name, Vec::new());
        located.lines = wide.lines.iter().map(|&l| Some(l)).collect();
        score_error(e, &located)
    })?;
    let p = &wide.panel;
    let index_rank = s.index.rank.as_deref().unwrap_or_default();
    let rank_of = |k: usize| index_rank.get(k).copied().flatten();
    let Some(shown) = rank_order(&s, p, year) else {
        return Ok(None);
    };
    let row_of = |key: u64| (key & u64::from(u32::MAX)) as usize;
    let value = |x: f64| (!x.is_nan()).then_some(x);
    let pillar_cols: Vec<&dti_core::engine::ScoreColumn> = cols
        .iter()
        .map(|(_, view, at)| if *view { &s.views[*at] } else { &s.nodes[*at] })
        .collect();
    let t = ranked_header(&cols, title(fw, year));
    if out.format == Format::Csv {
        // A CSV of a million rows is written as it is made, never held: blocks of rows are
        // made on every core, 32 at a time, and written in order.
        let block = |keys: &[u64]| wide_rows(keys, &s, p, &pillar_cols, sink.ascii);
        // Each batch is written while the next is made.
        sink.stream(|w| {
            use rayon::prelude::*;
            let mut made = vec![output::CsvRows::header(&t.header, sink.ascii).into_string()];
            for batch in shown.chunks(WIDE_BLOCK * 32) {
                let (written, next) = rayon::join(
                    || {
                        made.iter()
                            .try_for_each(|text| w.write_all(text.as_bytes()))
                    },
                    || batch.par_chunks(WIDE_BLOCK).map(block).collect(),
                );
                written?;
                made = next;
            }
            made.iter()
                .try_for_each(|text| w.write_all(text.as_bytes()))
        })?;
        // The process ends here: its memory goes back whole, faster than a million ids
        // freed one by one.
        std::mem::forget(s);
        std::mem::forget(wide);
        return Ok(Some(()));
    }
    // The terminal table of a million rows is streamed too: each block of rows made twice
    // (widths, then text), never the whole table held.
    let block = |b: usize| -> Vec<Vec<output::Cell>> {
        let keys = &shown[b * WIDE_BLOCK..((b + 1) * WIDE_BLOCK).min(shown.len())];
        keys.iter()
            .map(|&key| {
                let k = row_of(key);
                let row = s.rows[k];
                let mut r = row![
                    output::Cell::Rank(rank_of(k)),
                    p.units[row].to_owned(),
                    p.name(row).unwrap_or_default().to_owned(),
                    num(value(s.index.value[k]), 4),
                    num(s.index.points.get(k).copied().and_then(value), 1),
                ];
                for c in &pillar_cols {
                    r.push(num(value(c.value[k]), 4));
                    r.push(output::Cell::Rank(c.rank.as_ref().and_then(|r| r[k])));
                }
                r
            })
            .collect()
    };
    t.stream(sink, shown.len().div_ceil(WIDE_BLOCK), block)?;
    std::mem::forget(s);
    std::mem::forget(wide);
    Ok(Some(()))
}

/// The file a wide read takes (the bundled synthetic panel, or a CSV file), with its name;
/// `None` for JSON, Parquet and the published tables, which take the records path.
fn wide_source(data: &DataArgs) -> Result<Option<(String, std::borrow::Cow<'static, str>)>, Fail> {
    Ok(Some(match Source::of(data.data.as_deref(), data.year) {
        Source::Bundled(Bundled::Synthetic) => (
            Bundled::Synthetic.file_name().to_owned(),
            std::borrow::Cow::Borrowed(Bundled::Synthetic.text()),
        ),
        // The published tables: the records path, which shows the published values beside.
        Source::Bundled(_) => return Ok(None),
        Source::File(p)
            if p.extension().is_some_and(|e| {
                !e.eq_ignore_ascii_case("json") && !e.eq_ignore_ascii_case("parquet")
            }) =>
        {
            (
                p.display().to_string(),
                std::borrow::Cow::Owned(read_file(&p)?),
            )
        }
        Source::File(_) => return Ok(None),
    }))
}

/// The rows of `year` as sort keys (rank << 32 | row) in the table's order: by rank (none
/// last), then id; `None` past 2³² rows.
fn rank_order(
    s: &dti_core::ColumnScores,
    p: &dti_core::io::Panel,
    year: Option<i32>,
) -> Option<Vec<u64>> {
    use rayon::prelude::*;
    let index_rank = s.index.rank.as_deref().unwrap_or_default();
    let rank_of = |k: usize| index_rank.get(k).copied().flatten();
    // By rank (none last), then id (ids are unique within a period). Ties are many in a large
    // table (a million values at five decimals), and comparing ids means a random read of each:
    // so the key holds the id's first eight bytes too — (rank, id prefix, row) sorts as one
    // integer — and only rows that share a rank and a prefix are compared by their whole ids.
    // (A prefix is the id's bytes, zero-padded: its order is the ids' byte order up to the
    // ties the comparison settles.) A row number takes 32 bits: more rows go the general way.
    if u32::try_from(s.rows.len()).is_err() {
        return None;
    }
    let unit = |k: usize| p.units[s.rows[k]].as_bytes();
    let prefix = |k: usize| {
        let mut b = [0u8; 8];
        let id = unit(k);
        let n = id.len().min(8);
        b[..n].copy_from_slice(&id[..n]);
        u64::from_be_bytes(b)
    };
    let mut keys: Vec<u128> = (0..s.rows.len())
        .into_par_iter()
        .filter(|&k| p.periods[s.rows[k]] == year)
        .map(|k| {
            u128::from(rank_of(k).unwrap_or(u32::MAX)) << 96
                | u128::from(prefix(k)) << 32
                | k as u128
        })
        .collect();
    keys.par_sort_unstable();
    let row_of = |key: u128| (key & u128::from(u32::MAX)) as usize;
    for run in keys.chunk_by_mut(|a, b| a >> 32 == b >> 32) {
        if run.len() > 1 {
            run.sort_unstable_by(|&a, &b| unit(row_of(a)).cmp(unit(row_of(b))));
        }
    }
    // (rank, prefix, row) → (rank, row).
    Some(
        keys.iter()
            .map(|&key| ((key >> 96) as u64) << 32 | row_of(key) as u64)
            .collect(),
    )
}

/// Rows of the ranked table written as one block (see [`wide_rows`]).
pub const WIDE_BLOCK: usize = 2048;

/// The CSV rows of the ranked table for `keys` (rank order; a key's low 32 bits are the
/// result row). Rows come scattered over the columns: the block's cells are gathered column
/// by column first (independent loads the processor overlaps), then written row by row.
pub fn wide_rows(
    keys: &[u64],
    s: &dti_core::ColumnScores,
    p: &dti_core::io::Panel,
    pillar_cols: &[&dti_core::engine::ScoreColumn],
    ascii: bool,
) -> String {
    let value = |x: f64| (!x.is_nan()).then_some(x);
    let n = pillar_cols.len();
    let at: Vec<usize> = keys
        .iter()
        .map(|&key| (key & u64::from(u32::MAX)) as usize)
        .collect();
    let mut cells = vec![f64::NAN; at.len() * (2 + n)];
    let mut ranks = vec![None; at.len() * (1 + n)];
    let index_rank = s.index.rank.as_deref().unwrap_or_default();
    for (j, &k) in at.iter().enumerate() {
        cells[j * (2 + n)] = s.index.value[k];
        cells[j * (2 + n) + 1] = s.index.points.get(k).copied().unwrap_or(f64::NAN);
        ranks[j * (1 + n)] = index_rank.get(k).copied().flatten();
    }
    for (c, col) in pillar_cols.iter().enumerate() {
        for (j, &k) in at.iter().enumerate() {
            cells[j * (2 + n) + 2 + c] = col.value[k];
            ranks[j * (1 + n) + 1 + c] = col.rank.as_ref().and_then(|r| r[k]);
        }
    }
    // The ids' text too (a second scattered load each): touched in one loop first.
    let who: Vec<(&str, &str)> = at
        .iter()
        .map(|&k| {
            let row = s.rows[k];
            (&p.units[row], p.name(row).unwrap_or(""))
        })
        .collect();
    let touched = who.iter().fold(0u8, |a, (u, _)| {
        a ^ u.as_bytes().first().copied().unwrap_or(0)
    });
    std::hint::black_box(touched);
    // Room for rows of ~20 bytes a number and the ids, grown (copied) only past that.
    let mut csv = output::CsvRows::with_capacity(ascii, at.len() * (24 + 20 * (2 + 2 * n)));
    for (j, &(unit, name)) in who.iter().enumerate() {
        let (x, r) = (
            &cells[j * (2 + n)..][..2 + n],
            &ranks[j * (1 + n)..][..1 + n],
        );
        csv.rank(r[0]);
        csv.text(unit);
        csv.text(name);
        csv.number(value(x[0]));
        csv.number(value(x[1]));
        for c in 0..n {
            csv.number(value(x[2 + c]));
            csv.rank(r[1 + c]);
        }
        csv.end();
    }
    csv.into_string()
}
