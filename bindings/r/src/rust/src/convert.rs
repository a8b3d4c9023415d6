//! R values in and out: parameters (lists, vectors) as JSON for the core's serde types, the
//! core's JSON results as R lists (an array of records as a data frame), data frames as the
//! CSV text the core's reader takes, and result columns as data frames.

use extendr_api::prelude::*;
use serde_json::{Map, Value as Json};

use crate::errors::{bad_argument, Problem};

/// An R value as JSON: a named list is an object, an unnamed list an array; an atomic vector
/// of length one a scalar (`I(x)` keeps it an array, as jsonlite does), a longer one an
/// array; `NULL` and `NA` are null. `path` names the value in R's words for errors
/// (`spec$inputs[[1]]$factor`): JSON has no NaN or infinity, and the core would name a
/// position in text the user never wrote.
pub fn to_json(x: &Robj, path: &str) -> Result<Json, Problem> {
    if x.is_null() {
        return Ok(Json::Null);
    }
    if x.inherits("factor") {
        let levels = x.get_attrib("levels").unwrap_or_else(|| r!(NULL));
        let levels = levels.as_str_vector().unwrap_or_default();
        let codes = x.as_integer_slice().unwrap_or(&[]);
        let items: Vec<Json> = codes
            .iter()
            .map(|&c| match levels.get((c as usize).wrapping_sub(1)) {
                Some(s) if c != i32::MIN => Json::String((*s).to_owned()),
                _ => Json::Null,
            })
            .collect();
        return Ok(scalar_or_array(items, x.inherits("AsIs")));
    }
    let as_is = x.inherits("AsIs");
    if let Some(list) = x.as_list() {
        let names: Vec<String> = x
            .names()
            .map(|n| n.map(str::to_owned).collect())
            .unwrap_or_default();
        let named = !names.is_empty() && names.iter().all(|n| !n.is_empty() && n != "NA");
        if named {
            let mut obj = Map::new();
            for (name, v) in names.iter().zip(list.values()) {
                obj.insert(name.clone(), to_json(&v, &format!("{path}${name}"))?);
            }
            return Ok(Json::Object(obj));
        }
        if list.is_empty() && names.is_empty() && !as_is && x.names().is_some() {
            return Ok(Json::Object(Map::new()));
        }
        let items = list
            .values()
            .enumerate()
            .map(|(k, v)| to_json(&v, &format!("{path}[[{}]]", k + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Json::Array(items));
    }
    let items: Vec<Json> = match x.rtype() {
        Rtype::Doubles => {
            let d = x.as_real_slice().unwrap_or(&[]);
            let mut out = Vec::with_capacity(d.len());
            for (k, &f) in d.iter().enumerate() {
                if is_na(f) {
                    out.push(Json::Null);
                    continue;
                }
                if !f.is_finite() {
                    let at = if d.len() > 1 {
                        format!("{path}[{}]", k + 1)
                    } else {
                        path.to_owned()
                    };
                    let shown = if f.is_nan() {
                        "NaN".to_owned()
                    } else if f > 0.0 {
                        "Inf".to_owned()
                    } else {
                        "-Inf".to_owned()
                    };
                    return Err(Problem::bad_argument_at(
                        &at,
                        format!("{shown} is not a finite number"),
                    ));
                }
                // R's numbers are doubles: a whole one is a JSON integer (`runs = 1000` is a
                // count to the core), any other its exact double.
                if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
                    out.push(Json::from(f as i64));
                } else {
                    out.push(serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number));
                }
            }
            out
        }
        Rtype::Integers => x
            .as_integer_slice()
            .unwrap_or(&[])
            .iter()
            .map(|&i| {
                if i == i32::MIN {
                    Json::Null
                } else {
                    Json::from(i)
                }
            })
            .collect(),
        Rtype::Logicals => x
            .as_logical_slice()
            .unwrap_or(&[])
            .iter()
            .map(|b| {
                if b.is_na() {
                    Json::Null
                } else {
                    Json::Bool(b.is_true())
                }
            })
            .collect(),
        Rtype::Strings => {
            let s = Strings::try_from(x.clone()).map_err(|e| bad_argument(path, e))?;
            s.iter()
                .map(|v| {
                    if v.is_na() {
                        Json::Null
                    } else {
                        Json::String((**v).to_owned())
                    }
                })
                .collect()
        }
        other => {
            return Err(Problem::bad_argument_at(
                path,
                format!("expected numbers, text, TRUE/FALSE or a list, got {other:?}"),
            ))
        }
    };
    Ok(scalar_or_array(items, as_is))
}

/// R's `NA_real_`: a NaN whose low word is 1954 (R's `R_IsNA`); other NaNs are `NaN`.
fn is_na(f: f64) -> bool {
    f.is_nan() && (f.to_bits() & 0xFFFF_FFFF) == 1954
}

fn scalar_or_array(mut items: Vec<Json>, as_is: bool) -> Json {
    if items.len() == 1 && !as_is {
        items.pop().unwrap_or(Json::Null)
    } else {
        Json::Array(items)
    }
}

/// The core's JSON as R: objects as named lists, arrays of numbers, text or booleans as
/// vectors (null as `NA`), arrays of objects as data frames (one column per field, in the
/// order first seen; nested values as list columns), other arrays as lists.
pub fn to_r(v: &Json) -> Robj {
    match v {
        Json::Null => r!(NULL),
        Json::Bool(b) => r!(*b),
        Json::Number(n) => r!(n.as_f64().unwrap_or(f64::NAN)),
        Json::String(s) => r!(s.as_str()),
        Json::Object(m) => named_list(m.iter().map(|(k, v)| (k.as_str(), to_r(v)))),
        Json::Array(items) => array_to_r(items),
    }
}

fn array_to_r(items: &[Json]) -> Robj {
    let all = |f: fn(&Json) -> bool| items.iter().all(|x| x.is_null() || f(x));
    let some = items.iter().any(|x| !x.is_null());
    if items.is_empty() {
        return List::new(0).into();
    }
    if some && all(Json::is_number) {
        return items.iter().map(Json::as_f64).collect::<Vec<_>>().into();
    }
    if some && all(Json::is_string) {
        return items.iter().map(Json::as_str).collect::<Vec<_>>().into();
    }
    if some && all(Json::is_boolean) {
        return items.iter().map(Json::as_bool).collect::<Vec<_>>().into();
    }
    if some && all(Json::is_object) {
        return records_frame(items);
    }
    List::from_values(items.iter().map(to_r)).into()
}

/// An array of objects as a data frame: a column per field, in the order first seen. A
/// column of scalars is a vector; one that holds arrays or objects is a list column.
fn records_frame(rows: &[Json]) -> Robj {
    let mut keys: Vec<&str> = Vec::new();
    for r in rows {
        if let Json::Object(m) = r {
            for k in m.keys() {
                if !keys.contains(&k.as_str()) {
                    keys.push(k);
                }
            }
        }
    }
    let columns = keys.iter().map(|k| {
        let cells: Vec<Json> = rows
            .iter()
            .map(|r| r.get(k).cloned().unwrap_or(Json::Null))
            .collect();
        let nested = cells.iter().any(|c| c.is_array() || c.is_object());
        let scalars = cells.iter().any(|c| !c.is_null());
        if nested || !scalars {
            let list: Robj = List::from_values(cells.iter().map(|c| match c {
                Json::Array(a) if a.is_empty() => r!(NULL),
                c => to_r(c),
            }))
            .into();
            if !scalars {
                // A field that is null in every row: a logical NA column, as R gives one.
                return cells
                    .iter()
                    .map(|_| None::<bool>)
                    .collect::<Vec<_>>()
                    .into();
            }
            list
        } else {
            array_to_r(&cells)
        }
    });
    frame(keys.iter().copied().zip(columns).collect(), rows.len())
}

/// Named columns as a data frame of `n` rows (compact row names, as `data.frame()` gives).
pub fn frame(columns: Vec<(&str, Robj)>, n: usize) -> Robj {
    let mut out = named_list(columns);
    let _ = out.set_attrib("row.names", r!([i32::MIN, -(n as i32)]));
    let _ = out.set_class(["data.frame"]);
    out
}

/// A named list.
pub fn named_list<'a>(items: impl IntoIterator<Item = (&'a str, Robj)>) -> Robj {
    let (names, values): (Vec<&str>, Vec<Robj>) = items.into_iter().unzip();
    List::from_names_and_values(names, values)
        .map(Robj::from)
        .unwrap_or_else(|_| r!(NULL))
}

/// A number column: NaN (no value) as `NA`.
pub fn numbers(v: &[f64]) -> Robj {
    v.iter()
        .map(|&x| (!x.is_nan()).then_some(x))
        .collect::<Vec<_>>()
        .into()
}

/// A data frame's columns (`columns`, named) as CSV text for the core's reader: numbers in
/// their shortest round-trip form (bit for bit what R holds), `NA` as an empty cell, `NaN`
/// and infinities as written (`NaN`, `Inf`: the reader refuses them by row), text quoted
/// where it must be. Columns of other types were made text on the R side.
pub fn frame_text(columns: &List) -> Result<String, Problem> {
    let names: Vec<String> = columns
        .names()
        .map(|n| n.map(str::to_owned).collect())
        .unwrap_or_default();
    let cols: Vec<Robj> = columns.values().collect();
    let rows = cols.first().map_or(0, Robj::len);
    let mut cells: Vec<Vec<String>> = Vec::with_capacity(cols.len());
    for (name, c) in names.iter().zip(&cols) {
        if c.len() != rows {
            return Err(Problem::bad_argument_at(
                "data",
                format!(
                    "column '{name}' has {} values, the first column {rows}",
                    c.len()
                ),
            ));
        }
        let col: Vec<String> = match c.rtype() {
            Rtype::Doubles => c
                .as_real_slice()
                .unwrap_or(&[])
                .iter()
                .map(|&f| {
                    if is_na(f) {
                        String::new()
                    } else if f.is_nan() {
                        "NaN".to_owned()
                    } else if f.is_infinite() {
                        if f > 0.0 { "Inf" } else { "-Inf" }.to_owned()
                    } else {
                        format!("{f}")
                    }
                })
                .collect(),
            Rtype::Integers => c
                .as_integer_slice()
                .unwrap_or(&[])
                .iter()
                .map(|&i| {
                    if i == i32::MIN {
                        String::new()
                    } else {
                        i.to_string()
                    }
                })
                .collect(),
            Rtype::Logicals => c
                .as_logical_slice()
                .unwrap_or(&[])
                .iter()
                .map(|b| match (b.is_na(), b.is_true()) {
                    (true, _) => String::new(),
                    (false, true) => "TRUE".to_owned(),
                    (false, false) => "FALSE".to_owned(),
                })
                .collect(),
            Rtype::Strings => Strings::try_from(c.clone())
                .map_err(|e| bad_argument("data", e))?
                .iter()
                .map(|s| if s.is_na() { String::new() } else { quoted(s) })
                .collect(),
            other => {
                return Err(Problem::bad_argument_at(
                    "data",
                    format!("column '{name}' is {other:?}: give numbers or text"),
                ))
            }
        };
        cells.push(col);
    }
    let mut out = String::with_capacity(rows * cols.len() * 8);
    let header: Vec<String> = names.iter().map(|n| quoted(n)).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for r in 0..rows {
        for (k, col) in cells.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            out.push_str(&col[r]);
        }
        out.push('\n');
    }
    Ok(out)
}

/// A CSV cell, quoted when it holds a comma, a quote or a line break (empty text is read as
/// no value, as an empty cell of a file is).
fn quoted(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}
