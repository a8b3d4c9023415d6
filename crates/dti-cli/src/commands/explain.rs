//! `dti explain`: one unit's breakdown.

use crate::prelude::*;

/// `dti explain`.
pub fn run(args: ExplainArgs, ctx: &Context) -> Result<(), Fail> {
    let ExplainArgs {
        unit,
        fw,
        data,
        out,
        top,
        lang,
    } = args;
    let sink = |o: &OutputArgs| ctx.sink(o);
    let fw = framework_for(&fw, &data)?;
    let loaded = load_data(&fw, &data)?;
    let year = latest(&loaded.units, data.year)?;
    let opts = score_options().lenient(data.lenient).top_n(top);
    let scores = fw
        .score_with(&loaded.units, &opts)
        .map_err(|e| score_error(e, &loaded))?;
    let u = find_unit(&scores, &unit, year)?;
    explain(&fw, u, &sink(&out), out.format, lang)
}

pub fn explain(
    fw: &Framework,
    u: &UnitScore,
    sink: &Sink,
    format: Format,
    lang: Lang,
) -> Result<(), Fail> {
    let name = |code: &str| {
        fw.node(code)
            .map(|d| lang.name(&d.name_vi, &d.name_en).to_owned())
            .unwrap_or_default()
    };
    if format == Format::Json {
        let v = crate::ranked::unit_json(fw, u);
        return sink.write(&(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"));
    }
    let mut t = Table::new(
        &["node", "name", "points", "max", "value", "rank", "status"],
        &[false, false, true, true, true, true, false],
    );
    t.title = Some(format!(
        "{} ({}){} — value {}, {} points, rank {}",
        u.name.as_deref().unwrap_or(&u.unit),
        u.unit,
        u.period.map(|p| format!(", {p}")).unwrap_or_default(),
        num(u.value, 4),
        num(u.points, 1),
        rank(u.rank)
    ));
    for n in &u.nodes {
        let def = fw.node(&n.code);
        let depth = {
            let mut d = 0;
            let mut p = def.and_then(|x| x.parent.clone());
            while let Some(c) = p {
                d += 1;
                p = fw.node(&c).and_then(|x| x.parent.clone());
            }
            d
        };
        // A node worth no points (SMART in the 2022 DTI) counts for nothing: its rank among
        // the units would read as a standing it does not give.
        let counted = n.max_points != Some(0.0);
        let status = serde_json::to_value(n.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        t.push(row![
            format!("{}{}", "  ".repeat(depth), n.code),
            name(&n.code),
            num(n.points, 1),
            num(n.max_points, 0),
            num(n.value, 4),
            if counted {
                rank(n.rank)
            } else {
                "-".to_owned()
            },
            if counted {
                status
            } else {
                format!("{status}, worth 0 points")
            },
        ]);
    }
    let mut text = t.render();
    if !u.views.is_empty() {
        let mut v = Table::new(
            &["pillar", "points", "max", "value", "rank"],
            &[false, true, true, true, true],
        );
        for x in &u.views {
            v.push(row![
                x.code.clone(),
                num(x.points, 1),
                num(x.max_points, 0),
                num(x.value, 4),
                rank(x.rank),
            ]);
        }
        text.push('\n');
        text.push_str(&v.render());
    }
    if let Some(e) = &u.explanation {
        let mut o = Table::new(&["opportunity", "name", "gain"], &[false, false, true]);
        o.title = Some(
            "Biggest improvement opportunities (gain if the indicator reached its maximum)"
                .to_owned(),
        );
        for op in &e.opportunities {
            o.push(row![op.code.clone(), name(&op.code), num(Some(op.gain), 2),]);
        }
        text.push('\n');
        text.push_str(&o.render());
    }
    match format {
        Format::Csv => sink.write(&t.csv()),
        _ => sink.write(&text),
    }
}
