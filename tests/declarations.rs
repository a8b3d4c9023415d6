//! The npm package's TypeScript declarations (`bindings/wasm/npm/index.d.ts`) checked against
//! the Rust types they describe: real values (scored cohorts with explanations, assessed pairs,
//! problems and exclusions, merged units, comparisons, uncertainty, the built-in frameworks,
//! the registry, the options) are serialised as the WASM package serialises them, and every
//! field of every object must be declared on the interface the declarations give it, and
//! every required declared field must be there. A serde field added, renamed or made optional
//! without the declarations following fails here.

use std::collections::BTreeMap;

use dti_core::{
    analyses::{compare, uncertainty, MergeOptions, UncertaintySpec},
    find_province, merge_cohort, merger_2025, Era, Framework, ScoreOptions, UnitRecord,
};
use dti_tests::{fixture, read, root};
use serde_json::{json, Value};

/// One declared property: its type text and whether it may be absent.
struct Prop {
    ty: String,
    optional: bool,
}

/// An object type: its properties, and whether an index signature admits any other key.
struct Shape {
    props: BTreeMap<String, Prop>,
    open: bool,
}

/// The declarations: interfaces and type aliases by name.
struct Decls {
    interfaces: BTreeMap<String, String>,
    aliases: BTreeMap<String, String>,
}

/// The text without `/* … */` and `// …` comments.
fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("/*") {
            rest = r.find("*/").map_or("", |k| &r[k + 2..]);
        } else if let Some(r) = rest.strip_prefix("//") {
            rest = r.find('\n').map_or("", |k| &r[k..]);
        } else {
            let c = rest.chars().next().unwrap();
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Splits `text` at `sep` characters outside brackets.
fn split_top(text: &str, seps: &[char]) -> Vec<String> {
    let (mut parts, mut cur, mut depth) = (Vec::new(), String::new(), 0i32);
    for c in text.chars() {
        match c {
            '{' | '(' | '[' | '<' => depth += 1,
            '}' | ')' | ']' | '>' => depth -= 1,
            _ => {}
        }
        if depth == 0 && seps.contains(&c) {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The text between the brace at `open` and its match.
fn braced(text: &str, open: usize) -> &str {
    let mut depth = 0;
    for (k, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open + 1..open + k];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced braces in the declarations")
}

fn parse_decls(text: &str) -> Decls {
    let text = strip_comments(text);
    let mut d = Decls {
        interfaces: BTreeMap::new(),
        aliases: BTreeMap::new(),
    };
    for (k, _) in text.match_indices("export interface ") {
        let rest = &text[k + "export interface ".len()..];
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
        let open = k + text[k..].find('{').unwrap();
        d.interfaces.insert(name, braced(&text, open).to_owned());
    }
    for (k, _) in text.match_indices("export type ") {
        let rest = &text[k + "export type ".len()..];
        let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
        let eq = rest.find('=').unwrap();
        // The alias runs to the first `;` outside brackets.
        let body = &split_top(&rest[eq + 1..], &[';'])[0];
        d.aliases.insert(name, body.clone());
    }
    d
}

fn shape(body: &str) -> Shape {
    let mut s = Shape {
        props: BTreeMap::new(),
        open: false,
    };
    for member in split_top(body, &[';', '\n']) {
        if member.starts_with('[') {
            s.open = true;
            continue;
        }
        let colon = member.find(':').expect("a property");
        let (name, ty) = (member[..colon].trim(), member[colon + 1..].trim());
        let (name, optional) = match name.strip_suffix('?') {
            Some(n) => (n, true),
            None => (name, false),
        };
        s.props.insert(
            name.to_owned(),
            Prop {
                ty: ty.to_owned(),
                optional,
            },
        );
    }
    s
}

impl Decls {
    /// The problems of `v` (at `path`) against the type text `ty`.
    fn check(&self, v: &Value, ty: &str, path: &str) -> Vec<String> {
        let ty = ty.trim();
        let alternatives: Vec<String> = split_top(ty, &['|'])
            .into_iter()
            .filter(|a| a != "null" && a != "undefined")
            .collect();
        if v.is_null() {
            return if ty.split('|').any(|a| a.trim() == "null") || ty == "unknown" {
                Vec::new()
            } else {
                vec![format!("{path} is null, declared {ty}")]
            };
        }
        if alternatives.len() > 1 {
            // The first alternative that fits; else the closest one's problems.
            let mut best: Option<Vec<String>> = None;
            for a in &alternatives {
                let e = self.check(v, a, path);
                if e.is_empty() {
                    return e;
                }
                if best.as_ref().is_none_or(|b| e.len() < b.len()) {
                    best = Some(e);
                }
            }
            return best.unwrap_or_default();
        }
        let Some(ty) = alternatives.first().map(String::as_str) else {
            return Vec::new();
        };
        if let Some(inner) = ty.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
            return self.check(v, inner, path);
        }
        if let Some(elem) = ty.strip_suffix("[]") {
            return match v.as_array() {
                Some(items) => items
                    .iter()
                    .enumerate()
                    .flat_map(|(k, x)| self.check(x, elem, &format!("{path}[{k}]")))
                    .collect(),
                None => vec![format!("{path} is not an array, declared {ty}")],
            };
        }
        if let Some(inner) = ty
            .strip_prefix("Record<string,")
            .and_then(|t| t.strip_suffix('>'))
        {
            return match v.as_object() {
                Some(o) => o
                    .iter()
                    .flat_map(|(k, x)| self.check(x, inner, &format!("{path}.{k}")))
                    .collect(),
                None => vec![format!("{path} is not an object, declared {ty}")],
            };
        }
        if ty.contains('&') {
            // An intersection: every key must be declared somewhere in it (loosely).
            return match v.as_object() {
                Some(o) => o
                    .keys()
                    .filter(|k| !ty.contains(&format!("{k}:")) && !ty.contains(&format!("{k}?:")))
                    .map(|k| format!("{path}.{k} is not declared in {ty}"))
                    .collect(),
                None => Vec::new(),
            };
        }
        if ty.starts_with('{') {
            return self.object(v, &shape(braced(ty, 0)), path);
        }
        if let Some(body) = self.interfaces.get(ty) {
            return self.object(v, &shape(body), path);
        }
        if let Some(alias) = self.aliases.get(ty) {
            return self.check(v, alias, path);
        }
        // Primitives, literals, tuples: not objects to look into.
        Vec::new()
    }

    fn object(&self, v: &Value, s: &Shape, path: &str) -> Vec<String> {
        let Some(o) = v.as_object() else {
            return vec![format!("{path} is not an object")];
        };
        let mut errors = Vec::new();
        for (k, x) in o {
            match s.props.get(k) {
                Some(p) => errors.extend(self.check(x, &p.ty, &format!("{path}.{k}"))),
                None if s.open => {}
                None => errors.push(format!("{path}.{k} is not declared")),
            }
        }
        for (k, p) in &s.props {
            if !p.optional && !o.contains_key(k) {
                errors.push(format!("{path}.{k} is declared required but absent"));
            }
        }
        errors
    }

    fn assert_fits(&self, v: &Value, ty: &str) {
        let errors = self.check(v, ty, ty);
        assert!(errors.is_empty(), "{ty}:\n  {}", errors.join("\n  "));
    }
}

fn decls() -> Decls {
    parse_decls(&read(&root().join("bindings/wasm/npm/index.d.ts")))
}

fn panel() -> Vec<UnitRecord> {
    serde_json::from_str(&read(&fixture("vn-provinces-synthetic/panel.json"))).unwrap()
}

#[test]
fn scored_cohorts_fit_their_declarations() {
    let d = decls();
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let mut units = panel();
    // A bad value (a problem) and a repeated unit (an exclusion), scored leniently.
    units.push(UnitRecord::new("ha-noi").period(2023).value("GOV", 1.5));
    units.push(UnitRecord::new("").period(2023).value("GOV", 0.5));
    let opts = ScoreOptions::default().lenient(true);
    let s = fw.score_with(&units, &opts).unwrap();
    assert!(!s.problems.is_empty() && !s.excluded.is_empty());
    d.assert_fits(&serde_json::to_value(&s).unwrap(), "CohortScores");

    // Assessed pairs: the district fixture's components.
    let fw = Framework::from_json(&read(&fixture("district-components/framework.json"))).unwrap();
    let units: Vec<UnitRecord> =
        serde_json::from_str(&read(&fixture("district-components/units.json"))).unwrap();
    let s = serde_json::to_value(fw.score(&units).unwrap()).unwrap();
    assert!(
        s.to_string().contains("\"appraised\""),
        "the fixture has assessed pairs"
    );
    d.assert_fits(&s, "CohortScores");
    d.assert_fits(&serde_json::to_value(&units).unwrap(), "UnitRecord[]");
}

#[test]
fn frameworks_and_options_fit_their_declarations() {
    let d = decls();
    for id in dti_core::builtin_ids() {
        let def = dti_core::FrameworkDef::builtin(id).unwrap();
        d.assert_fits(&serde_json::to_value(&def).unwrap(), "FrameworkDef");
    }
    // Every optional part of a definition, from the fixtures.
    for f in [
        "district-components/framework.json",
        "composite-renormalise/framework.json",
    ] {
        let def: dti_core::FrameworkDef = serde_json::from_str(&read(&fixture(f))).unwrap();
        d.assert_fits(&serde_json::to_value(&def).unwrap(), "FrameworkDef");
    }
    d.assert_fits(
        &serde_json::to_value(ScoreOptions::default()).unwrap(),
        "ScoreOptions",
    );
    d.assert_fits(
        &serde_json::to_value(MergeOptions::default()).unwrap(),
        "MergeOptions",
    );
    let p = find_province("Hà Nội", Era::Pre2025).unwrap();
    d.assert_fits(&serde_json::to_value(p).unwrap(), "Province");
    d.assert_fits(&serde_json::to_value(merger_2025()).unwrap(), "MergeMap");
}

#[test]
fn analyses_fit_their_declarations() {
    let d = decls();
    let fw = Framework::builtin("vn-pdti-2022").unwrap();
    let units = panel();
    let merged = merge_cohort(&fw, &units, merger_2025(), &MergeOptions::default()).unwrap();
    d.assert_fits(&serde_json::to_value(&merged).unwrap(), "MergedScores");

    let a = fw.score(&units).unwrap();
    let c = compare(&[&a, &a]);
    d.assert_fits(&serde_json::to_value(&c).unwrap(), "Comparison");

    let spec: UncertaintySpec = serde_json::from_value(json!({
        "runs": 20, "seed": 1, "keep_draws": true,
        "inputs": [{"name": "w", "kind": "weight_noise", "factor": 0.25}]
    }))
    .unwrap();
    let one_year: Vec<UnitRecord> = units
        .into_iter()
        .filter(|u| u.period == Some(2023))
        .collect();
    let r = uncertainty(&fw, &one_year, &spec, None).unwrap();
    d.assert_fits(&serde_json::to_value(&spec).unwrap(), "UncertaintySpec");
    d.assert_fits(&serde_json::to_value(&r).unwrap(), "UncertaintyResult");
}

/// The checker itself finds what it is for: an undeclared field, a missing required one.
#[test]
fn the_checker_finds_drift() {
    let d = parse_decls(
        "export interface A { x: number; y?: B[] }\nexport interface B { z: string | null }",
    );
    assert!(d
        .check(&json!({"x": 1, "y": [{"z": null}]}), "A", "A")
        .is_empty());
    assert_eq!(
        d.check(&json!({"x": 1, "w": 2}), "A", "A"),
        ["A.w is not declared"]
    );
    assert_eq!(
        d.check(&json!({"y": []}), "A", "A"),
        ["A.x is declared required but absent"]
    );
    assert_eq!(
        d.check(&json!({"x": 1, "y": [{"z": "a", "q": 1}]}), "A", "A"),
        ["A.y[0].q is not declared"]
    );
}
