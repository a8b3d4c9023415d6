//! SVG charts with plotters' SVG backend, drawn into memory and written through
//! [`crate::files::write`] (never over an input, never half-written).

use std::path::Path;

use plotters::prelude::*;

type Res = Result<(), String>;

fn err<E: std::fmt::Display>(e: E) -> String {
    format!("could not draw the chart: {e}")
}

const BAR: RGBColor = RGBColor(31, 119, 180);
const ACCENT: RGBColor = RGBColor(214, 39, 40);

/// Text from input as a chart shows it: control characters (which XML forbids) and
/// bidirectional overrides escaped; the SVG backend escapes `<`, `&` and quotes.
fn safe(text: &str) -> String {
    dti_core::text::shown(text).into_owned()
}

/// Writes the chart: an SVG file. Another extension (`r.png`, `r.pdf`) is refused rather
/// than given SVG bytes under a name that promises another format.
fn write_svg(out: &Path, svg: &str) -> Res {
    crate::files::check(out)?;
    match out.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("svg") => crate::files::write(out, svg),
        _ => Err(format!(
            "{}: charts are SVG; give a file name ending in .svg (convert it to PNG with any SVG tool)",
            out.display()
        )),
    }
}

/// A ranked horizontal bar chart: one bar per unit, best at the top.
pub fn ranks(out: &Path, title: &str, bars: &[(String, f64)]) -> Res {
    let mut svg = String::new();
    let bars: Vec<(String, f64)> = bars.iter().map(|(l, v)| (safe(l), *v)).collect();
    draw_ranks(&mut svg, &safe(title), &bars)?;
    write_svg(out, &svg)
}

fn draw_ranks(svg: &mut String, title: &str, bars: &[(String, f64)]) -> Res {
    let n = bars.len().max(1);
    let height = (80 + 16 * n) as u32;
    let root = SVGBackend::with_string(svg, (900, height)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let max = bars.iter().map(|b| b.1).fold(0.0f64, f64::max).max(1e-9) * 1.05;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(190)
        .build_cartesian_2d(0.0..max, (0..n).into_segmented())
        .map_err(err)?;
    let labels: Vec<String> = bars
        .iter()
        .enumerate()
        .map(|(k, (name, _))| format!("{}. {name}", k + 1))
        .collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => n
                .checked_sub(1 + *i)
                .and_then(|k| labels.get(k))
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        })
        .x_desc("index value")
        .draw()
        .map_err(err)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(k, (_, v))| {
            let row = n - 1 - k;
            let mut r = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(row)),
                    (*v, SegmentValue::Exact(row + 1)),
                ],
                BAR.filled(),
            );
            r.set_margin(2, 2, 0, 0);
            r
        }))
        .map_err(err)?;
    root.present().map_err(err)
}

/// Rank intervals: the median rank with a bar from the 5th to the 95th percentile, per unit.
pub fn intervals(out: &Path, title: &str, rows: &[(String, f64, f64, f64)]) -> Res {
    let mut svg = String::new();
    let rows: Vec<(String, f64, f64, f64)> = rows
        .iter()
        .map(|(l, a, b, c)| (safe(l), *a, *b, *c))
        .collect();
    draw_intervals(&mut svg, &safe(title), &rows)?;
    write_svg(out, &svg)
}

fn draw_intervals(svg: &mut String, title: &str, rows: &[(String, f64, f64, f64)]) -> Res {
    let n = rows.len().max(1);
    let height = (80 + 16 * n) as u32;
    let root = SVGBackend::with_string(svg, (900, height)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let max_rank = rows.iter().map(|r| r.3).fold(1.0f64, f64::max) + 1.0;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(190)
        .build_cartesian_2d(0.0..max_rank, (0..n).into_segmented())
        .map_err(err)?;
    let labels: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => n
                .checked_sub(1 + *i)
                .and_then(|k| labels.get(k))
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        })
        .x_desc("rank (1 = best): median and 5–95 % interval")
        .draw()
        .map_err(err)?;
    let row = |k: usize| SegmentValue::CenterOf(n - 1 - k);
    chart
        .draw_series(rows.iter().enumerate().map(|(k, (_, median, lo, hi))| {
            ErrorBar::new_horizontal(row(k), *lo, *median, *hi, BAR.stroke_width(2), 6)
        }))
        .map_err(err)?;
    chart
        .draw_series(
            rows.iter()
                .enumerate()
                .map(|(k, (_, median, _, _))| Circle::new((*median, row(k)), 3, ACCENT.filled())),
        )
        .map_err(err)?;
    root.present().map_err(err)
}

/// One unit's pillar values (and its index) as vertical bars on [0, 1].
pub fn pillars(out: &Path, title: &str, bars: &[(String, f64)]) -> Res {
    let mut svg = String::new();
    let bars: Vec<(String, f64)> = bars.iter().map(|(l, v)| (safe(l), *v)).collect();
    draw_pillars(&mut svg, &safe(title), &bars)?;
    write_svg(out, &svg)
}

fn draw_pillars(svg: &mut String, title: &str, bars: &[(String, f64)]) -> Res {
    let n = bars.len().max(1);
    let root = SVGBackend::with_string(svg, (120 * n as u32 + 160, 420)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let top = bars.iter().map(|b| b.1).fold(1.0f64, f64::max);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d((0..n).into_segmented(), 0.0..top)
        .map_err(err)?;
    let labels: Vec<String> = bars.iter().map(|b| b.0.clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .y_desc("value")
        .draw()
        .map_err(err)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(k, (_, v))| {
            let color = if k + 1 == n { ACCENT } else { BAR };
            let mut r = Rectangle::new(
                [
                    (SegmentValue::Exact(k), 0.0),
                    (SegmentValue::Exact(k + 1), *v),
                ],
                color.filled(),
            );
            r.set_margin(0, 0, 15, 15);
            r
        }))
        .map_err(err)?;
    root.present().map_err(err)
}
