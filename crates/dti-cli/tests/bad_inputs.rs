//! A catalogue of hostile and careless inputs through the `dti` binary: each case asserts the
//! exit code (1: an input error, 2: a usage error) and that the message names the file and
//! the place in it (line, column, JSON position, option).

use assert_cmd::Command;

struct Case {
    name: &'static str,
    /// Files to create in the case's folder: (name, bytes).
    files: Vec<(&'static str, Vec<u8>)>,
    /// Arguments; `@name` is replaced by the path of a created file.
    args: Vec<&'static str>,
    code: i32,
    /// Every one of these must appear in standard error (`@name` as above).
    says: Vec<&'static str>,
}

fn case(
    name: &'static str,
    files: &[(&'static str, &str)],
    args: &[&'static str],
    code: i32,
    says: &[&'static str],
) -> Case {
    Case {
        name,
        files: files
            .iter()
            .map(|(n, t)| (*n, t.as_bytes().to_vec()))
            .collect(),
        args: args.to_vec(),
        code,
        says: says.to_vec(),
    }
}

const META: &str = "iCode,iName,Level,Parent,Direction,Weight,Type\nx1,X1,1,IDX,1,1,Indicator\nx2,X2,1,IDX,-1,1,Indicator\nIDX,Index,2,,1,1,Aggregate\n";
const DATA: &str = "uCode,Time,x1,x2\nA,2024,1,4\nB,2024,3,2\nC,2024,5,1\n";
const UA: &str =
    r#"{"runs": 20, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.2, "depth": 2}]}"#;

fn cases() -> Vec<Case> {
    let mut v = vec![
        // ---- damaged CSV -------------------------------------------------------------
        case("short row", &[("d.csv", "unit,period,GOV,ECO\nA,2023,0.5,0.4\nB,2023,0.6\n")], &["score", "@d.csv"], 1, &["d.csv, row 3", "3 cell(s) where the header has 4"]),
        case("long row", &[("d.csv", "unit,period,GOV,ECO\nA,2023,0.5,0.4,9\n")], &["score", "@d.csv"], 1, &["d.csv, row 2", "the row is long"]),
        case("unterminated quote", &[("d.csv", "unit,period,GOV\nA,2023,0.5\nB,2023,\"0.6\nC,2023,0.7\n")], &["score", "@d.csv"], 1, &["d.csv, row 3", "no quote closes it"]),
        case("empty header name", &[("d.csv", "unit,period,,GOV\nA,2023,1,0.5\n")], &["score", "@d.csv"], 1, &["d.csv, row 1", "column 3 of the header has no name"]),
        case("repeated header", &[("d.csv", "unit,period,GOV,GOV\nA,2023,0.5,0.9\n")], &["score", "@d.csv"], 1, &["d.csv, row 1", "repeats the name of column 3"]),
        case("repeated header, case", &[("d.csv", "unit,period,GOV,gov\nA,2023,0.5,0.9\n")], &["score", "@d.csv"], 1, &["d.csv, row 1", "repeats"]),
        case("empty unit", &[("d.csv", "unit,period,GOV\n,2023,0.5\n")], &["score", "@d.csv"], 1, &["d.csv, row 2", "the unit is empty"]),
        case("empty period among periods", &[("d.csv", "unit,period,GOV\nA,2023,0.5\nB,,0.6\n")], &["score", "@d.csv"], 1, &["d.csv, row 3", "the period is empty"]),
        case("period not a year", &[("d.csv", "unit,period,GOV\nA,2023,0.5\nB,20x3,0.6\n")], &["score", "@d.csv"], 1, &["d.csv, row 3", "period '20x3'"]),
        case("period too large", &[("d.csv", "unit,period,GOV\nA,99999999999,0.5\n")], &["score", "@d.csv"], 1, &["d.csv, row 2", "not a year between 1000 and 9999"]),
        case("2.5 meetings", &[("d.csv", "unit,period,AWR.MEET\nA,2023,2.5\n")], &["score", "@d.csv", "--extension", concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/frameworks/extensions/vn-pdti-2022-example-components.json")], 1, &["d.csv, row 2", "AWR.MEET", "2.5 is not a whole number"]),
        case("period i32::MIN", &[("d.csv", "unit,period,GOV\nA,2023,0.5\nB,-2147483648,0.5\n")], &["score", "@d.csv"], 1, &["d.csv, row 3", "'-2147483648' is not a year between 1000 and 9999"]),
        case("period i32::MIN in JSON", &[("d.json", r#"[{"unit": "A", "period": -2147483648, "values": {"GOV": 0.5}}]"#)], &["score", "@d.json"], 1, &["unit 'A' (-2147483648)", "the period is not a year between 1000 and 9999"]),
        case("period i32::MIN in coin Time", &[("d.csv", "uCode,Time,i1\nA,-2147483648,1\nB,2020,2\n"), ("m.csv", "iCode,iName,Level,Parent,Direction,Weight,Type\ni1,I1,1,IDX,1,1,Indicator\nIDX,Index,2,,1,1,Aggregate\n")], &["coin", "--data", "@d.csv", "--meta", "@m.csv"], 1, &["d.csv, line 2, column Time", "not a year between 1000 and 9999"]),
        case("no unit column", &[("d.csv", "who,period,GOV\nA,2023,0.5\n")], &["score", "@d.csv"], 1, &["d.csv, row 1", "no unit column"]),
        case("semicolons chosen as commas", &[("d.csv", "unit;period;GOV\nA;2023;0.5\n")], &["score", "@d.csv", "--delimiter", ","], 1, &["d.csv, row 1", "--delimiter"]),
        case("unknown column", &[("d.csv", "unit,period,GOVX\nA,2023,0.5\n")], &["score", "@d.csv"], 1, &["d.csv, row 1", "indicator 'GOVX'"]),
        case("column in the wrong case", &[("d.csv", "unit,period,gov\nA,2023,0.5\n")], &["score", "@d.csv"], 1, &["d.csv, row 1", "did you mean 'GOV'"]),
        case("empty file", &[("d.csv", "")], &["score", "@d.csv"], 1, &["d.csv, row 1", "the file is empty"]),
        case("header only is no cohort", &[("d.csv", "unit,period\n")], &["score", "@d.csv", "--year", "2023"], 1, &["d.csv holds no unit: nothing to score"]),
        case("an extension's problems name the extension", &[("ext.json", r#"{"schema_version": 1, "extends": "vn-pdti-2022", "nodes": [{"code": "GOV.X", "parent": "GOV", "name_vi": "x", "max_points": 500}]}"#)], &["score", "synthetic", "--extension", "@ext.json"], 1, &["ext.json: framework 'vn-pdti-2022'", "children's sum 500"]),
        case("a scenario's bad value names the scenario", &[("s.json", r#"{"name": "s", "values": [{"unit": "ha-noi", "indicator": "GOV", "op": "set", "value": 7}]}"#)], &["scenario", "@s.json", "synthetic"], 1, &["s.json (applied to bundled synthetic panel.csv)", "unit 'ha-noi' (2021), indicator 'GOV': 7 is outside 0..1"]),
        case("an empty JSON list is no cohort", &[("d.json", "[]")], &["score", "@d.json"], 1, &["d.json holds no unit: nothing to score"]),
        case("a framework file named like a built-in id", &[("vn-mine.json", "{")], &["score", "-f", "@vn-mine.json"], 1, &["vn-mine.json: EOF while parsing"]),
        case("a framework file without an extension", &[("fwfile", "{")], &["score", "-f", "@fwfile"], 1, &["fwfile: EOF while parsing"]),
        case("latin-1 bytes", &[], &["score", "@d.csv"], 1, &["d.csv, row 3", "not valid UTF-8"]),
        case("odd UTF-16", &[], &["score", "@d.csv"], 1, &["d.csv, row 1", "UTF-16"]),
        case("missing group column", &[("d.csv", "unit,period,GOV\nA,2023,0.5\n")], &["score", "@d.csv", "--group", "region"], 1, &["d.csv, row 1", "group column 'region'"]),
        case("long layout without value", &[("d.csv", "unit,period,indicator\nA,2023,GOV\n")], &["score", "@d.csv", "--layout", "long"], 1, &["d.csv, row 1", "indicator and value"]),
        case("long layout, unknown indicator", &[("d.csv", "unit,period,indicator,value\nA,2023,GOV,0.5\nA,2023,NOPE,0.5\n")], &["score", "@d.csv"], 1, &["d.csv, row 3", "indicator 'NOPE'"]),
        case("long layout, value twice", &[("d.csv", "unit,period,indicator,value\nA,2023,GOV,0.5\nA,2023,GOV,0.6\n")], &["score", "@d.csv"], 1, &["d.csv, row 3", "given twice"]),
        case("long layout, bad value on its own line", &[("d.csv", "unit,period,indicator,value\nA,2023,GOV,0.5\nB,2023,GOV,0.5\nA,2023,ECO,1.5\n")], &["score", "@d.csv"], 1, &["d.csv, row 4", "indicator 'ECO'", "1.5"]),
        case("quoted newline before a bad value", &[("d.csv", "unit,name,period,GOV\nA,\"two\nlines\",2023,0.5\nB,b,2023,2\n")], &["score", "@d.csv"], 1, &["d.csv, row 4", "unit 'B'"]),
        // ---- bad values --------------------------------------------------------------
        case("value above 1", &[("d.csv", "unit,period,GOV\nA,2023,1.5\n")], &["score", "@d.csv"], 1, &["d.csv, row 2", "unit 'A'", "indicator 'GOV'"]),
        case("negative value", &[("d.csv", "unit,period,GOV\nA,2023,-0.1\n")], &["score", "@d.csv"], 1, &["d.csv, row 2", "indicator 'GOV'"]),
        case("label for a number", &[("d.csv", "unit,period,GOV\nA,2023,high\n")], &["score", "@d.csv"], 1, &["d.csv, row 2", "indicator 'GOV'", "high"]),
        case("infinite number", &[("d.csv", "unit,period,GOV\nA,2023,1e999\n")], &["score", "@d.csv"], 1, &["d.csv, row 2", "not a finite number"]),
        case("NaN literal", &[("d.csv", "unit,period,GOV\nA,2023,NaN\nB,2023,0.5\n")], &["score", "@d.csv"], 1, &["d.csv, row 2", "indicator 'GOV'"]),
        case("ratio with zero denominator", &[("d.csv", "unit,period,GOV\nA,2023,3/0\n")], &["score", "@d.csv"], 1, &["d.csv, row 2", "indicator 'GOV'"]),
        case("duplicate unit", &[("d.csv", "unit,period,GOV\nA,2023,0.5\nA,2023,0.6\n")], &["score", "@d.csv"], 1, &["d.csv, row 3", "already appear in row 2"]),
        case("duplicate unit by case", &[("d.csv", "unit,period,GOV\nHA-NOI,2023,0.5\nha-noi,2023,0.6\n")], &["score", "@d.csv"], 1, &["d.csv, row 3", "already appear in row 2"]),
        case("duplicate unit by diacritics", &[("d.csv", "unit,period,GOV\nHà Nội,2023,0.5\nHa Noi,2023,0.6\n")], &["score", "@d.csv"], 1, &["d.csv, row 3", "already appear"]),
        case("every problem in one report", &[("d.csv", "unit,period,GOV\nA,2023,0.5\nB,,0.6\nC,2023,7\n")], &["score", "@d.csv"], 1, &["2 problem(s)", "d.csv, row 3", "d.csv, row 4"]),
        case("JSON not records", &[("d.json", "{\"unit\": \"A\"}")], &["score", "@d.json"], 1, &["d.json, row 1", "not a JSON array"]),
        case("JSON unknown key in a value", &[("d.json", "[{\"unit\": \"A\", \"values\": {\"GOV\": {\"value\": 1}}}]")], &["score", "@d.json"], 1, &["d.json", "unknown field `value`"]),
        case("deep JSON", &[], &["score", "@d.json"], 1, &["d.json"]),
        // ---- extreme numbers ---------------------------------------------------------
        case("min-max over 1e308", &[("fw.json", r#"{"schema_version": 1, "id": "mm", "name_vi": "MM", "aggregate": {"method": "weighted_mean"}, "nodes": [{"code": "X", "name_vi": "X", "rule": {"type": "normalised", "normaliser": {"method": "min_max"}}}]}"#), ("d.csv", "unit,period,X\nA,2023,-1e308\nB,2023,1e308\n")], &["score", "@d.csv", "-f", "@fw.json"], 1, &["indicator 'X'", "cannot be normalised"]),
        case("weights that overflow", &[("fw.json", r#"{"schema_version": 1, "id": "w", "name_vi": "W", "aggregate": {"method": "weighted_mean"}, "nodes": [{"code": "X", "name_vi": "X", "weight": 1e308}, {"code": "Y", "name_vi": "Y", "weight": 1e308}]}"#), ("d.csv", "unit,period,X,Y\nA,2023,0.5,0.5\n")], &["score", "@d.csv", "-f", "@fw.json"], 1, &["fw.json", "node 'w'", "weights of its children"]),
        case("max points that overflow", &[("fw.json", r#"{"schema_version": 1, "id": "p", "name_vi": "P", "nodes": [{"code": "X", "name_vi": "X", "max_points": 1e308}, {"code": "Y", "name_vi": "Y", "max_points": 1e308}]}"#), ("d.csv", "unit,period,X,Y\nA,2023,0.5,0.5\n")], &["score", "@d.csv", "-f", "@fw.json"], 1, &["fw.json", "max points of its children"]),
        case("negative weight", &[("fw.json", r#"{"schema_version": 1, "id": "w", "name_vi": "W", "aggregate": {"method": "weighted_mean"}, "nodes": [{"code": "X", "name_vi": "X", "weight": -1}]}"#)], &["frameworks", "validate", "@fw.json"], 1, &["node 'X'", "weight"]),
        // ---- frameworks --------------------------------------------------------------
        case("framework not JSON", &[("fw.json", "{nope")], &["score", "-f", "@fw.json"], 1, &["fw.json", "line 1"]),
        case("framework cycle", &[("fw.json", r#"{"schema_version": 1, "id": "c", "name_vi": "C", "nodes": [{"code": "A", "name_vi": "A", "parent": "B"}, {"code": "B", "name_vi": "B", "parent": "A"}]}"#)], &["frameworks", "validate", "@fw.json"], 1, &["fw.json", "'A'"]),
        case("unknown built-in", &[], &["score", "-f", "vn-pdti-1999"], 1, &["vn-pdti-1999"]),
        case("unpublished points", &[], &["score", "-f", "vn-pdti-2025"], 1, &["vn-pdti-2025"]),
        // ---- uncertainty and sensitivity specs --------------------------------------------
        case("spec not JSON", &[("ua.json", "{\"runs\": 10,")], &["uncertainty", "@ua.json"], 1, &["ua.json", "line 1"]),
        case("spec unknown field", &[("ua.json", r#"{"runs": 10, "inptus": []}"#)], &["uncertainty", "@ua.json"], 1, &["ua.json", "unknown field `inptus`"]),
        case("runs too many", &[("ua.json", r#"{"runs": 1000000000, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.2}]}"#)], &["uncertainty", "@ua.json"], 1, &["ua.json", "runs is 1000000000: at most 10000000"]),
        case("runs 2^64-1", &[("ua.json", r#"{"runs": 18446744073709551615, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.2}]}"#)], &["uncertainty", "@ua.json"], 1, &["ua.json", "at most 10000000"]),
        case("runs zero", &[("ua.json", r#"{"runs": 0, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.2}]}"#)], &["uncertainty", "@ua.json"], 1, &["ua.json", "runs"]),
        case("runs negative", &[("ua.json", r#"{"runs": -5, "inputs": []}"#)], &["uncertainty", "@ua.json"], 1, &["ua.json", "line 1"]),
        case("noise factor 1.5", &[("ua.json", r#"{"runs": 10, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 1.5}]}"#)], &["uncertainty", "@ua.json"], 1, &["ua.json", "input 'w'", "noise factor"]),
        case("no effect", &[("ua.json", r#"{"runs": 10, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0}]}"#)], &["uncertainty", "@ua.json"], 1, &["ua.json", "no uncertain input changes any unit's value (w)"]),
        case("two inputs on one parameter", &[("ua.json", r#"{"runs": 10, "inputs": [{"name": "a", "kind": "weight_noise", "factor": 0.1}, {"name": "b", "kind": "weight_noise", "factor": 0.2, "depth": 2}]}"#)], &["uncertainty", "@ua.json"], 1, &["ua.json", "'a' and 'b' both set the weight noise"]),
        case("unknown kind", &[("ua.json", r#"{"runs": 10, "inputs": [{"name": "a", "kind": "weights"}]}"#)], &["uncertainty", "@ua.json"], 1, &["ua.json", "unknown variant `weights`"]),
        case("sobol n huge", &[("sa.json", r#"{"n": 18446744073709551615, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.2}]}"#)], &["sensitivity", "@sa.json"], 1, &["sa.json", "N·(d + 2) runs"]),
        case("bootstrap huge", &[("sa.json", r#"{"n": 8, "bootstrap": 1000000000, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.2}]}"#)], &["sensitivity", "@sa.json"], 1, &["sa.json", "bootstrap is 1000000000"]),
        case("sobol n one", &[("sa.json", r#"{"n": 1, "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.2}]}"#)], &["sensitivity", "@sa.json"], 1, &["sa.json", "n: the base sample size"]),
        // ---- designs -----------------------------------------------------------------
        case("design names no alternative", &[("ua.json", r#"{"inputs": [{"name": "agg", "kind": "aggregator", "depth": 1, "alternatives": [{"method": "points_sum"}, {"method": "geometric_mean"}]}]}"#), ("design.csv", "agg\npoints_sum\nmedian\n")], &["uncertainty", "@ua.json", "--design", "@design.csv"], 1, &["design.csv, line 3, column 'agg'", "'median' is not one of"]),
        case("design lacks a column", &[("ua.json", r#"{"inputs": [{"name": "agg", "kind": "aggregator", "depth": 1, "alternatives": [{"method": "points_sum"}, {"method": "geometric_mean"}]}]}"#), ("design.csv", "other\n1\n")], &["uncertainty", "@ua.json", "--design", "@design.csv"], 1, &["design.csv, line 2, column 'agg'", "no value"]),
        case("design JSON pointer", &[("ua.json", r#"{"inputs": [{"name": "agg", "kind": "aggregator", "depth": 1, "alternatives": [{"method": "points_sum"}, {"method": "geometric_mean"}]}]}"#), ("design.json", r#"{"rows": [{"agg": 0}, {"agg": 7}]}"#)], &["uncertainty", "@ua.json", "--design", "@design.json"], 1, &["design.json: /rows/1/agg"]),
        case("design empty", &[("ua.json", UA), ("design.csv", "w\n")], &["uncertainty", "@ua.json", "--design", "@design.csv"], 1, &["ua.json", "no rows"]),
        case("saltelli design of the wrong size", &[("sa.json", r#"{"inputs": [{"name": "agg", "kind": "aggregator", "depth": 1, "alternatives": [{"method": "points_sum"}, {"method": "geometric_mean"}]}]}"#), ("design.csv", "agg\npoints_sum\npoints_sum\n")], &["sensitivity", "@sa.json", "--design", "@design.csv"], 1, &["sa.json", "N·3 rows"]),
        // ---- scenarios ---------------------------------------------------------------
        case("scenario unknown unit", &[("s.json", r#"{"values": [{"unit": "atlantis", "indicator": "GOV", "op": "set", "value": 1}]}"#)], &["scenario", "@s.json"], 1, &["s.json", "atlantis"]),
        case("scenario not JSON", &[("s.json", "[")], &["scenario", "@s.json"], 1, &["s.json", "line 1"]),
        case("scenario weight under a points sum", &[("s.json", r#"{"weights": {"GOV": 5}}"#)], &["scenario", "@s.json"], 1, &["s.json", "weight of node 'GOV'", "parent 'A' sums points"]),
        // ---- comparisons -------------------------------------------------------------
        case("compare nothing in common", &[("a.csv", "unit,period,GOV\nA,2023,0.5\nB,2023,0.6\n"), ("b.csv", "unit,period,GOV\nC,2023,0.5\nD,2023,0.6\n")], &["compare", "@a.csv", "@b.csv"], 1, &["no unit is ranked in both"]),
        case("compare period missing", &[("a.csv", "unit,period,GOV\nA,2023,0.5\n"), ("b.csv", "unit,period,GOV\nA,2022,0.5\n")], &["compare", "@a.csv", "@b.csv"], 1, &["b.csv has no data for 2023"]),
        case("compare with one file only", &[("a.csv", "unit,period,GOV\nA,2023,0.5\n")], &["compare", "@a.csv"], 2, &["--framework-b"]),
        case("compare --from equals --to", &[("a.csv", "unit,period,GOV\nA,2023,0.5\n")], &["compare", "@a.csv", "--from", "2023", "--to", "2023"], 2, &["same period"]),
        // ---- options -----------------------------------------------------------------
        case("unknown delimiter", &[], &["score", "--delimiter", "x"], 2, &["--delimiter", "not a separator"]),
        case("bad tie rule", &[], &["score", "--ties", "loose"], 2, &["--ties", "not a tie rule"]),
        case("screen NaN", &[("m.csv", META), ("d.csv", DATA)], &["coin", "--meta", "@m.csv", "--data", "@d.csv", "--screen", "NaN"], 2, &["--screen", "[0, 1]"]),
        case("screen above 1", &[("m.csv", META), ("d.csv", DATA)], &["coin", "--meta", "@m.csv", "--data", "@d.csv", "--screen", "1.5"], 2, &["--screen"]),
        case("winsor -1", &[("m.csv", META), ("d.csv", DATA)], &["coin", "--meta", "@m.csv", "--data", "@d.csv", "--treat", "winsor:-1"], 2, &["--treat", "whole number"]),
        case("group-mean of no column", &[("m.csv", META), ("d.csv", DATA)], &["coin", "--meta", "@m.csv", "--data", "@d.csv", "--impute", "group-mean:NoSuchCol"], 2, &["--impute", "NoSuchCol"]),
        case("unknown normaliser", &[("m.csv", META), ("d.csv", DATA)], &["coin", "--meta", "@m.csv", "--data", "@d.csv", "--normalise", "minmax2"], 2, &["--normalise", "unknown normaliser"]),
        case("minmax reversed", &[("m.csv", META), ("d.csv", DATA)], &["coin", "--meta", "@m.csv", "--data", "@d.csv", "--normalise", "minmax:1,0"], 2, &["--normalise", "l < u"]),
        case("genmean 0", &[("m.csv", META), ("d.csv", DATA)], &["coin", "--meta", "@m.csv", "--data", "@d.csv", "--aggregate", "genmean:0"], 2, &["--aggregate"]),
        case("leave-one-out depth 2^64-1", &[], &["leave-one-out", "--depth", "18446744073709551615"], 1, &["no component at depth 18446744073709551615"]),
        case("year not in data", &[], &["score", "--year", "1990"], 1, &["no data for 1990"]),
        // ---- COINr tables ------------------------------------------------------------
        case("meta level overflow", &[("m.csv", "iCode,iName,Level,Parent,Direction,Weight,Type\nx1,X1,1,IDX,1,1,Indicator\nIDX,Index,18446744073709551616,,1,1,Aggregate\n"), ("d.csv", "uCode,Time,x1\nA,2024,1\nB,2024,2\n")], &["coin", "--meta", "@m.csv", "--data", "@d.csv"], 1, &["m.csv, line 3", "Level"]),
        case("meta bad direction", &[("m.csv", "iCode,iName,Level,Parent,Direction,Weight,Type\nx1,X1,1,IDX,2,1,Indicator\nIDX,Index,2,,1,1,Aggregate\n"), ("d.csv", "uCode,Time,x1\nA,2024,1\nB,2024,2\n")], &["coin", "--meta", "@m.csv", "--data", "@d.csv"], 1, &["m.csv, line 2", "direction"]),
        case("data column not in meta", &[("m.csv", META), ("d.csv", "uCode,Time,x1,x2,x9\nA,2024,1,4,0\n")], &["coin", "--meta", "@m.csv", "--data", "@d.csv"], 1, &["d.csv, line 1", "x9"]),
        case("denominate without the column", &[("m.csv", "iCode,iName,Level,Parent,Direction,Weight,Type,Denominator\nx1,X1,1,IDX,1,1,Indicator,Pop\nIDX,Index,2,,1,1,Aggregate,\nPop,Population,,,,,Denominator,\n"), ("d.csv", "uCode,Time,x1\nA,2020,1\nB,2020,2\n")], &["coin", "--meta", "@m.csv", "--data", "@d.csv", "--denominate"], 1, &["meta, line 4", "denominator 'Pop'"]),
        // ---- outputs never overwrite inputs ------------------------------------------------
        case("--out is the data", &[("d.csv", "unit,period,GOV\nA,2023,0.5\n")], &["score", "@d.csv", "--out", "@d.csv"], 1, &["refusing to write", "d.csv", "input of this run"]),
        case("--draws is the spec", &[("ua.json", UA)], &["uncertainty", "@ua.json", "--draws", "@ua.json"], 1, &["refusing to write", "ua.json"]),
        case("--out-dir holds the data under an output name", &[("m.csv", META), ("Results.csv", DATA)], &["coin", "--meta", "@m.csv", "--data", "@Results.csv", "--out-dir", "@."], 1, &["refusing to write", "Results.csv"]),
        case("--out on a full device", &[], &["score", "--out", "/dev/full"], 1, &["cannot write /dev/full", "No space left"]),
        case("--out is a folder", &[], &["score", "--out", "@."], 1, &["it is a folder"]),
        case("--out of a plot is not .svg", &[], &["plot", "ranks", "synthetic", "--out", "@r.png"], 1, &["r.png: charts are SVG"]),
        case("--out of a plot is the data", &[("d.csv", "unit,period,GOV\nA,2023,0.5\nB,2023,0.7\n")], &["plot", "ranks", "@d.csv", "--out", "@d.csv"], 1, &["refusing to write", "d.csv"]),
    ];
    // Cases whose files are bytes, not text.
    for c in &mut v {
        match c.name {
            "latin-1 bytes" => {
                c.files = vec![(
                    "d.csv",
                    b"unit,period,GOV\nA,2023,0.5\nB\xe9,2023,0.7\n".to_vec(),
                )]
            }
            "odd UTF-16" => c.files = vec![("d.csv", vec![0xFF, 0xFE, b'u', 0, b'n'])],
            "deep JSON" => c.files = vec![("d.json", "[".repeat(100_000).into_bytes())],
            _ => {}
        }
    }
    v
}

#[test]
fn every_bad_input_is_an_error_that_names_file_and_place() {
    let cases = cases();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let root = std::env::temp_dir().join(format!("dti-bad-inputs-{}", std::process::id()));
    let mut failures = Vec::new();
    for (k, c) in cases.iter().enumerate() {
        let dir = root.join(format!("{k:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        let mut originals = Vec::new();
        for (name, bytes) in &c.files {
            let p = dir.join(name);
            std::fs::write(&p, bytes).unwrap();
            originals.push((p, bytes.clone()));
        }
        let at = |s: &str| -> String {
            match s.strip_prefix('@') {
                Some(".") => dir.display().to_string(),
                Some(name) => dir.join(name).display().to_string(),
                None => s.to_owned(),
            }
        };
        let args: Vec<String> = c.args.iter().map(|a| at(a)).collect();
        let out = Command::new(env!("CARGO_BIN_EXE_dti"))
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        let mut wrong = Vec::new();
        if code != Some(c.code) {
            wrong.push(format!("exit {code:?}, expected {}", c.code));
        }
        for s in &c.says {
            if !stderr.contains(&at(s)) {
                wrong.push(format!("does not say {s:?}"));
            }
        }
        // Nothing the case gave is changed, whatever the command did.
        for (p, bytes) in &originals {
            if std::fs::read(p).ok().as_ref() != Some(bytes) {
                wrong.push(format!("{} was changed", p.display()));
            }
        }
        if stderr.contains("panicked") {
            wrong.push("panicked".to_owned());
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{}: {}\n  stderr: {stderr}",
                c.name,
                wrong.join("; ")
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A header of a million columns, one of them repeated, is rejected naming the repeat — in
/// one pass over the header (comparing every cell with every earlier one never finished).
#[test]
fn a_million_column_header_is_checked_in_linear_time() {
    let n = 1_000_000;
    let mut text = String::from("unit,period");
    for i in 0..n {
        text.push_str(&format!(",c{i}"));
    }
    text.push_str(",C5\nha-noi,2024");
    for _ in 0..=n {
        text.push_str(",1");
    }
    text.push('\n');
    let dir = std::env::temp_dir().join(format!("dti-wide-header-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wide.csv");
    std::fs::write(&file, &text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dti"))
        .args(["score", &file.display().to_string()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("column 1000003 repeats the name of column 8 ('C5')"),
        "{}",
        &stderr[..stderr.len().min(400)]
    );
}

/// `--out` as a careful tool writes: an existing file keeps its mode, a read-only one is
/// refused as `>` would refuse it (and left as it was), a 250-byte name works, and an
/// interrupted run leaves no temporary file behind.
#[cfg(unix)]
#[test]
fn outputs_keep_their_mode_refuse_read_only_and_leave_nothing_when_interrupted() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("dti-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let dti = || Command::new(env!("CARGO_BIN_EXE_dti"));
    // `dti score --format csv --out PATH`, the run's output.
    let score_to = |path: &std::path::Path| {
        dti()
            .args(["score", "--format", "csv", "--out"])
            .arg(path)
            .output()
            .unwrap()
    };
    // A 0600 file stays 0600.
    let private = dir.join("private.csv");
    std::fs::write(&private, "old").unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = score_to(&private);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta = std::fs::metadata(&private).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(std::fs::read_to_string(&private)
        .unwrap()
        .starts_with("rank,"));
    // A read-only file is refused and unchanged.
    let locked = dir.join("locked.csv");
    std::fs::write(&locked, "keep").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = score_to(&locked);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    assert_eq!(std::fs::read_to_string(&locked).unwrap(), "keep");
    // A legal name of 250 bytes.
    let long = dir.join(format!("{}.csv", "d".repeat(246)));
    let out = score_to(&long);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(long.exists());
    // Interrupted while it writes a large output: no temporary file is left.
    let mut text = String::from("unit,period,AWR,INST,INFRA,HR,SEC,GOV,ECO,SOC\n");
    for i in 0..400_000 {
        text.push_str(&format!(
            "u{i},2024,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.{}\n",
            i % 10
        ));
    }
    let data = dir.join("big.csv");
    std::fs::write(&data, text).unwrap();
    let target = dir.join("big-out.csv");
    let mut interrupted = false;
    for _ in 0..5 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dti"))
            .args([
                "score",
                "--format",
                "csv",
                "--framework",
                "vn-pdti-2024",
                "--out",
            ])
            .arg(&target)
            .arg(&data)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Wait for the temporary file, then interrupt.
        let temp = || {
            std::fs::read_dir(&dir)
                .unwrap()
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        };
        let mut seen = false;
        let start = std::time::Instant::now();
        // Until the temporary file appears or the run ends (a loaded machine is slow).
        while start.elapsed() < std::time::Duration::from_secs(300) {
            if temp() {
                seen = true;
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        if seen {
            std::process::Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .unwrap();
            let status = child.wait().unwrap();
            if !status.success() {
                interrupted = true;
                assert!(!temp(), "a temporary file was left behind");
                assert!(!target.exists(), "no half-written output");
                assert_eq!(status.code(), Some(130));
                break;
            }
        } else {
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(&target);
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(interrupted, "the run was never caught while writing");
}

/// Text from input is data, never an attack: escape sequences, OSC titles, bells, bidi
/// overrides and newlines in unit ids and names reach the terminal visibly escaped (one row
/// per unit, errors one line each); CSV text cells that a spreadsheet would run as formulas
/// are neutralised (`--raw-csv` keeps them); charts are well-formed XML.
#[test]
fn hostile_text_is_shown_escaped_neutralised_and_well_formed() {
    let dir = std::env::temp_dir().join(format!("dti-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("hostile.csv");
    std::fs::write(
        &data,
        "unit,name,period,GOV,ECO\n\
         \"x\n   1  ha-noi  Hà Nội  0.9999  999.9\",\u{1b}]0;pwned\u{7}\u{202e}evil,2024,0.5,0.5\n\
         B,\"\u{1b}[2Jclear\",2024,0.6,0.4\n\
         \"=HYPERLINK(\"\"http://x\"\")\",@SUM(1),2024,0.2,0.1\n",
    )
    .unwrap();
    let dti = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_dti"))
            .args(args)
            .arg(&data)
            .args(["--framework", "vn-pdti-2022"])
            .output()
            .unwrap()
    };
    let hostile = |s: &str| {
        s.chars().any(|c| {
            (c.is_control() && c != '\n')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
    };
    // The table: escaped, one row per unit.
    let out = dti(&["score"]);
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(!hostile(&table), "{table:?}");
    assert_eq!(table.lines().count(), 3 + 3, "{table}");
    assert!(
        table.contains("x\\u{a}   1  ha-noi")
            && table.contains("\\u{1b}]0;pwned\\u{7}\\u{202e}evil"),
        "{table}"
    );
    // An error naming the unit: one line, escaped.
    std::fs::write(
        dir.join("bad.csv"),
        "unit,period,GOV\n\"a\n   1  ha-noi  fake\u{1b}[31m\",2024,1.5\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dti"))
        .args(["score", "--framework", "vn-pdti-2022"])
        .arg(dir.join("bad.csv"))
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!hostile(&err), "{err:?}");
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.starts_with("warning: "))
        .collect();
    assert_eq!(lines.len(), 2, "a count and one problem: {err}");
    // CSV: formulas neutralised, numbers untouched; raw on request.
    let csv = String::from_utf8(dti(&["score", "--format", "csv"]).stdout).unwrap();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(1),"),
        "{csv}"
    );
    let raw = String::from_utf8(dti(&["score", "--format", "csv", "--raw-csv"]).stdout).unwrap();
    assert!(
        raw.contains("\"=HYPERLINK(\"\"http://x\"\")\",@SUM(1),"),
        "{raw}"
    );
    // The same through --out.
    let out_file = dir.join("out.csv");
    dti(&[
        "score",
        "--format",
        "csv",
        "--out",
        &out_file.display().to_string(),
    ]);
    assert!(std::fs::read_to_string(&out_file)
        .unwrap()
        .contains("'@SUM(1)"));
    // COINr's tables through --out-dir.
    std::fs::write(dir.join("meta.csv"), "iCode,iName,Level,Parent,Direction,Weight,Type\nx,X,1,I,1,1,Indicator\nI,I,2,,1,1,Aggregate\n").unwrap();
    std::fs::write(
        dir.join("data.csv"),
        "uCode,uName,Time,x\nA,=cmd|' /C calc'!A0,2024,1\nB,-2,2024,3\n",
    )
    .unwrap();
    let coin_dir = dir.join("coin-out");
    let out = Command::new(env!("CARGO_BIN_EXE_dti"))
        .args(["coin", "--meta"])
        .arg(dir.join("meta.csv"))
        .arg("--data")
        .arg(dir.join("data.csv"))
        .arg("--out-dir")
        .arg(&coin_dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = std::fs::read_to_string(coin_dir.join("Results.csv")).unwrap();
    assert!(results.contains("A,'=cmd|' /C calc'!A0,2024,"), "{results}");
    assert!(
        results.contains("B,-2,2024,"),
        "a number as text is left as it is: {results}"
    );
    // Charts: well-formed XML whatever the names.
    let svg = dir.join("ranks.svg");
    let out = dti(&["plot", "ranks", "--out", &svg.display().to_string()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&svg).unwrap();
    roxmltree::Document::parse(&text).expect("the chart is well-formed XML");
    assert!(
        !hostile(&text.replace('\n', "")),
        "no control character in the chart"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// CSV and JSON keep input's text exactly in files and pipes, but a terminal gets it escaped
/// as the table shows it: `dti score x.csv --format csv` in a terminal cannot clear the screen
/// or set its title. Run in a pseudo-terminal by util-linux's `script` (Debian's bsdutils,
/// an essential package); both the clean wide CSV's fast path and the record path.
#[test]
#[cfg(target_os = "linux")]
fn csv_and_json_reach_a_terminal_escaped_and_pipes_exactly() {
    let dir = std::env::temp_dir().join(format!("dti-terminal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("ids.csv");
    std::fs::write(
        &data,
        "unit,period,GOV,ECO\nA\u{1b}[2Jclear,2024,0.5,0.5\nB\u{202e}ver,2024,0.6,0.4\n",
    )
    .unwrap();
    let dti = env!("CARGO_BIN_EXE_dti");
    for args in [
        "score --format csv",
        "score --format csv --lenient",
        "score --format json",
    ] {
        let line = format!("{dti} {args} --framework vn-pdti-2022 {}", data.display());
        let out = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("util-linux's script");
        assert_eq!(out.status.code(), Some(0), "{args}: {out:?}");
        let seen = String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n");
        assert!(
            !seen.contains('\u{1b}') && !seen.contains('\u{202e}'),
            "{args}: {seen:?}"
        );
        assert!(seen.contains("A\\u{1b}[2Jclear"), "{args}: {seen}");
        // Piped, the same command writes the ids as they are.
        let piped = Command::new(dti)
            .args(args.split(' '))
            .args(["--framework", "vn-pdti-2022"])
            .arg(&data)
            .output()
            .unwrap();
        let piped = String::from_utf8(piped.stdout).unwrap();
        let exact = if args.contains("json") {
            "A\\u001b[2Jclear"
        } else {
            "A\u{1b}[2Jclear"
        };
        assert!(
            piped.contains(exact) && piped.contains("B\u{202e}ver"),
            "{args}: {piped:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A whole indicator absent, or a unit without any value, is said aloud: a file without the
/// GOV column would otherwise rank every province on 800 of 1000 points, silently.
#[test]
fn an_absent_indicator_and_an_empty_unit_are_said_aloud() {
    let dir = std::env::temp_dir().join(format!("dti-absent-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in [
        // Wide (the streamed path) and long (the records path).
        ("wide.csv", "unit,period,AWR,INST,INFRA,HR,SEC,ECO,SOC\nha-noi,2024,1,1,1,1,1,1,1\nhue,2024,,,,,,,\n"),
        ("long.csv", "unit,period,indicator,value\nha-noi,2024,AWR,1\nha-noi,2024,ECO,1\nhue,2024,NOPE,\n"),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_dti"))
            .args(["score", "--year", "2024", "--lenient"])
            .arg(&file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{name}: {err}");
        assert!(
            err.contains("no unit reports 'GOV' (Hoạt động chính quyền số): every unit scores 0 of its 200 points"),
            "{name}: {err}"
        );
        assert!(err.contains("report no value of the framework at all: 'hue' (2024)"), "{name}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
