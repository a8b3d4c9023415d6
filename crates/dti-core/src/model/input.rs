//! Unit records: what a province, district or department reports.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// One reported value. JSON forms: a number, `true`/`false`, a label string, or
/// `{"numerator": a, "denominator": b}`.
///
/// ```
/// use dti_core::Value;
/// let v: Value = serde_json::from_str(r#"{"numerator": 954, "denominator": 1865}"#)?;
/// assert_eq!(v, Value::Ratio { numerator: 954.0, denominator: 1865.0 });
/// assert_eq!(serde_json::from_str::<Value>("0.5")?, Value::Number(0.5));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A number: a value in 0..1, a percentage, a count or a raw amount, as the rule reads it.
    Number(f64),
    /// Yes / no.
    Bool(bool),
    /// A category label.
    Label(String),
    /// Numerator and denominator of a ratio.
    Ratio {
        /// a.
        numerator: f64,
        /// b.
        denominator: f64,
    },
}

impl Value {
    /// Reads a text cell (CSV, spreadsheets, DataFrames): empty or `NA` → none; a number; `true`
    /// / `false` (also `yes`/`no`, `có`/`không`); `a/b` → a ratio; anything else a label.
    ///
    /// ```
    /// use dti_core::Value;
    /// assert_eq!(Value::from_text(" 0.5 "), Some(Value::Number(0.5)));
    /// assert_eq!(Value::from_text("NA"), None);
    /// assert_eq!(Value::from_text("Không"), Some(Value::Bool(false)));
    /// assert_eq!(Value::from_text("954/1865"), Some(Value::Ratio { numerator: 954.0, denominator: 1865.0 }));
    /// assert_eq!(Value::from_text("chairman"), Some(Value::Label("chairman".into())));
    /// ```
    pub fn from_text(s: &str) -> Option<Value> {
        if crate::text::is_missing(s) {
            return None;
        }
        let t = s.trim();
        if let Ok(x) = t.parse::<f64>() {
            return Some(Value::Number(x));
        }
        match t.to_lowercase().as_str() {
            "true" | "yes" | "có" | "co" => return Some(Value::Bool(true)),
            "false" | "no" | "không" | "khong" => return Some(Value::Bool(false)),
            _ => {}
        }
        if let Some((a, b)) = t.split_once('/') {
            if let (Ok(a), Ok(b)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
                return Some(Value::Ratio {
                    numerator: a,
                    denominator: b,
                });
            }
        }
        Some(Value::Label(t.to_owned()))
    }

    /// A short description of the kind of value, for error messages.
    ///
    /// ```
    /// assert_eq!(dti_core::Value::Bool(true).kind(), "yes/no");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Number(_) => "number",
            Value::Bool(_) => "yes/no",
            Value::Label(_) => "label",
            Value::Ratio { .. } => "ratio",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Number(x) => write!(f, "{x}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Label(s) => write!(f, "\"{s}\""),
            Value::Ratio {
                numerator,
                denominator,
            } => write!(f, "{numerator}/{denominator}"),
        }
    }
}

/// A self-assessed value beside an appraised (verified) one. The engine scores the
/// appraised value when present and reports both.
///
/// ```
/// let a: dti_core::model::Assessed = serde_json::from_str(r#"{"self": 4, "appraised": 3}"#)?;
/// assert_eq!(a.appraised, Some(dti_core::Value::Number(3.0)));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessed {
    /// The unit's own assessment.
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    pub self_assessed: Option<Value>,
    /// The appraised (verified) value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appraised: Option<Value>,
}

/// A reported entry: a plain value, or self-assessed and appraised values.
///
/// ```
/// use dti_core::{Entry, Value};
/// let e: Entry = serde_json::from_str(r#"{"self": true, "appraised": false}"#)?;
/// assert_eq!(e.scored(), Some(&Value::Bool(false)));
/// let e: Entry = serde_json::from_str("0.75")?;
/// assert_eq!(e.scored(), Some(&Value::Number(0.75)));
/// # Ok::<(), serde_json::Error>(())
/// ```
///
/// A map is an assessment (`self`, `appraised`) or a ratio (`numerator`, `denominator`),
/// never both; any other key is an error naming the four.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Entry {
    /// Self-assessed and/or appraised.
    Assessed(Assessed),
    /// A single value.
    Plain(Value),
}

impl Entry {
    /// The value the engine scores: the appraised one when present, else the self-assessed
    /// one (for a plain entry, the value).
    ///
    /// ```
    /// let e = dti_core::Entry::assessed(Some(2.0.into()), None);
    /// assert_eq!(e.scored(), Some(&dti_core::Value::Number(2.0)));
    /// ```
    pub fn scored(&self) -> Option<&Value> {
        match self {
            Entry::Plain(v) => Some(v),
            Entry::Assessed(a) => a.appraised.as_ref().or(a.self_assessed.as_ref()),
        }
    }

    /// An entry with self-assessed and appraised values.
    ///
    /// ```
    /// let e = dti_core::Entry::assessed(Some(true.into()), Some(false.into()));
    /// assert!(matches!(e, dti_core::Entry::Assessed(_)));
    /// ```
    pub fn assessed(self_assessed: Option<Value>, appraised: Option<Value>) -> Entry {
        Entry::Assessed(Assessed {
            self_assessed,
            appraised,
        })
    }

    /// A ratio entry a / b.
    ///
    /// ```
    /// let e = dti_core::Entry::ratio(954.0, 1865.0);
    /// assert!(matches!(e.scored(), Some(dti_core::Value::Ratio { .. })));
    /// ```
    pub fn ratio(numerator: f64, denominator: f64) -> Entry {
        Entry::Plain(Value::Ratio {
            numerator,
            denominator,
        })
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Value {
        Value::Number(x)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Label(s.to_owned())
    }
}

impl<T: Into<Value>> From<T> for Entry {
    fn from(v: T) -> Entry {
        Entry::Plain(v.into())
    }
}

// Value and Entry are read by hand rather than as serde's untagged enums: an untagged enum
// buffers every value in a generic tree and tries each variant in turn, which costs time on
// every reported value and code in the WebAssembly module, and ends in "data did not match
// any variant" instead of naming the key that is wrong. Writing keeps the derived form.

/// Reads a scalar or a map as an entry; `assessed` allows the `self` / `appraised` keys.
struct EntryVisitor {
    assessed: bool,
}

impl<'de> serde::de::Visitor<'de> for EntryVisitor {
    type Value = Entry;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, true/false, a label or {\"numerator\": a, \"denominator\": b}")?;
        if self.assessed {
            f.write_str(" or {\"self\": value, \"appraised\": value}")?;
        }
        Ok(())
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Entry, E> {
        Ok(Entry::Plain(Value::Number(v)))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Entry, E> {
        Ok(Entry::Plain(Value::Number(v as f64)))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Entry, E> {
        Ok(Entry::Plain(Value::Number(v as f64)))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Entry, E> {
        Ok(Entry::Plain(Value::Bool(v)))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Entry, E> {
        Ok(Entry::Plain(Value::Label(v.to_owned())))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Entry, E> {
        Ok(Entry::Plain(Value::Label(v)))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
        use serde::de::Error;
        let (mut own, mut appraised) = (None, None);
        let (mut numerator, mut denominator) = (None, None);
        // The keys by position; `seen` catches a key given twice without allocating.
        const KEYS: [&str; 4] = ["self", "appraised", "numerator", "denominator"];
        let mut seen = [false; 4];
        while let Some(key) = map.next_key::<String>()? {
            let k = match KEYS.iter().position(|&n| n == key) {
                Some(k) if self.assessed || k >= 2 => k,
                _ => {
                    return Err(A::Error::custom(if self.assessed {
                        format!("unknown field `{key}`, expected one of `self`, `appraised`, `numerator`, `denominator`")
                    } else {
                        format!("unknown field `{key}`, expected `numerator` or `denominator`")
                    }))
                }
            };
            if std::mem::replace(&mut seen[k], true) {
                return Err(A::Error::duplicate_field(KEYS[k]));
            }
            match k {
                0 => own = map.next_value::<Option<Value>>()?,
                1 => appraised = map.next_value::<Option<Value>>()?,
                2 => numerator = Some(map.next_value::<f64>()?),
                _ => denominator = Some(map.next_value::<f64>()?),
            }
        }
        let ratio = numerator.is_some() || denominator.is_some();
        if ratio && (seen[0] || seen[1]) {
            return Err(A::Error::custom(
                "an entry is either an assessment (`self`, `appraised`) or a ratio \
                 (`numerator`, `denominator`), not both",
            ));
        }
        if ratio || !self.assessed {
            return Ok(Entry::ratio(
                numerator.ok_or_else(|| A::Error::missing_field("numerator"))?,
                denominator.ok_or_else(|| A::Error::missing_field("denominator"))?,
            ));
        }
        Ok(Entry::assessed(own, appraised))
    }
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Entry, D::Error> {
        d.deserialize_any(EntryVisitor { assessed: true })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        match d.deserialize_any(EntryVisitor { assessed: false })? {
            Entry::Plain(v) => Ok(v),
            // Not produced without `assessed`.
            Entry::Assessed(_) => Err(serde::de::Error::custom("a value cannot be assessed")),
        }
    }
}

/// The periods a unit can be scored for: four-digit years. A period outside them (a typo
/// such as 20223, or −2147483648 from a broken export) is an input problem
/// (`period_out_of_range`), not a cohort of its own.
///
/// ```
/// assert!(dti_core::model::PERIODS.contains(&2024));
/// assert!(!dti_core::model::PERIODS.contains(&-2147483648));
/// ```
pub const PERIODS: std::ops::RangeInclusive<i32> = 1000..=9999;

/// What one unit (province, district, department …) reports for one period.
///
/// Values are keyed by node code and may be given at any level: a leaf's raw input, or a
/// node's value in 0..1 directly (researchers often have main-indicator values only).
///
/// ```
/// use dti_core::UnitRecord;
/// let u = UnitRecord::new("HN").name("Hà Nội").period(2022).group("region", "Red River Delta")
///     .value("AWR", 0.8).value("GOV", 0.65);
/// assert_eq!(u.values.len(), 2);
/// let json = serde_json::to_string(&u)?;
/// assert_eq!(serde_json::from_str::<UnitRecord>(&json)?, u);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitRecord {
    /// Stable unit id (e.g. a province code).
    pub unit: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Period (year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<i32>,
    /// Group memberships, e.g. `region` → `"Red River Delta"`, `former` → `"Vĩnh Phúc"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, String>,
    /// Reported entries by node code.
    #[serde(default)]
    pub values: BTreeMap<String, Entry>,
}

impl UnitRecord {
    /// A record with an id and nothing else.
    ///
    /// ```
    /// assert_eq!(dti_core::UnitRecord::new("HN").unit, "HN");
    /// ```
    pub fn new(unit: &str) -> Self {
        UnitRecord {
            unit: unit.to_owned(),
            ..UnitRecord::default()
        }
    }

    /// Sets the display name.
    ///
    /// ```
    /// assert_eq!(dti_core::UnitRecord::new("HN").name("Hà Nội").name.as_deref(), Some("Hà Nội"));
    /// ```
    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    /// Sets the period.
    ///
    /// ```
    /// assert_eq!(dti_core::UnitRecord::new("HN").period(2023).period, Some(2023));
    /// ```
    pub fn period(mut self, period: i32) -> Self {
        self.period = Some(period);
        self
    }

    /// Adds a group membership.
    ///
    /// ```
    /// let u = dti_core::UnitRecord::new("HN").group("region", "North");
    /// assert_eq!(u.groups["region"], "North");
    /// ```
    pub fn group(mut self, key: &str, value: &str) -> Self {
        self.groups.insert(key.to_owned(), value.to_owned());
        self
    }

    /// Adds (or replaces) an entry.
    ///
    /// ```
    /// let u = dti_core::UnitRecord::new("HN").value("MEET", 4.0).value("PORTAL", true);
    /// assert_eq!(u.values.len(), 2);
    /// ```
    pub fn value(mut self, code: &str, entry: impl Into<Entry>) -> Self {
        self.values.insert(code.to_owned(), entry.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_forms() {
        let e: Entry = serde_json::from_str(r#"{"numerator": 1, "denominator": 2}"#).unwrap();
        assert_eq!(e, Entry::ratio(1.0, 2.0));
        let e: Entry = serde_json::from_str(r#""deputy""#).unwrap();
        assert_eq!(e.scored(), Some(&Value::Label("deputy".into())));
        let e: Entry = serde_json::from_str(r#"{"self": 0.5}"#).unwrap();
        assert_eq!(e.scored(), Some(&Value::Number(0.5)));
        // An empty assessment has nothing to score; the engine reports it.
        let e: Entry = serde_json::from_str("{}").unwrap();
        assert_eq!(e.scored(), None);
        assert!(serde_json::from_str::<Entry>(r#"{"numerator": 1}"#).is_err());
    }

    fn entry_err(json: &str) -> String {
        serde_json::from_str::<Entry>(json).unwrap_err().to_string()
    }

    #[test]
    fn entries_read_every_json_form() {
        for (json, want) in [
            ("3", Entry::from(3.0)),
            ("-2", Entry::from(-2.0)),
            ("0.25", Entry::from(0.25)),
            ("true", Entry::from(true)),
            (r#""chairman""#, Entry::from("chairman")),
            (
                r#"{"denominator": 4, "numerator": 1}"#,
                Entry::ratio(1.0, 4.0),
            ),
            (
                r#"{"self": {"numerator": 1, "denominator": 2}, "appraised": null}"#,
                Entry::assessed(
                    Some(Value::Ratio {
                        numerator: 1.0,
                        denominator: 2.0,
                    }),
                    None,
                ),
            ),
            (
                r#"{"appraised": "deputy"}"#,
                Entry::assessed(None, Some("deputy".into())),
            ),
        ] {
            let got: Entry = serde_json::from_str(json).unwrap();
            assert_eq!(got, want, "{json}");
            let again: Entry = serde_json::from_str(&serde_json::to_string(&got).unwrap()).unwrap();
            assert_eq!(again, want, "{json}");
        }
    }

    #[cfg(feature = "toml")]
    #[test]
    fn entries_read_from_toml() {
        let t: BTreeMap<String, Entry> =
            toml::from_str("a = 2\nb = { numerator = 1, denominator = 2 }\nc = { self = true }")
                .unwrap();
        assert_eq!(t["a"], Entry::from(2.0));
        assert_eq!(t["b"], Entry::ratio(1.0, 2.0));
        assert_eq!(t["c"], Entry::assessed(Some(true.into()), None));
    }

    #[test]
    fn entry_errors_name_the_key() {
        let e = entry_err(r#"{"value": 1}"#);
        assert!(e.starts_with("unknown field `value`, expected one of `self`, `appraised`, `numerator`, `denominator`"), "{e}");
        let e = entry_err(r#"{"self": 1, "numerator": 1, "denominator": 2}"#);
        assert!(e.starts_with("an entry is either an assessment"), "{e}");
        let e = entry_err(r#"{"denominator": 2}"#);
        assert!(e.starts_with("missing field `numerator`"), "{e}");
        let e = entry_err(r#"{"self": 1, "self": 2}"#);
        assert!(e.starts_with("duplicate field `self`"), "{e}");
        let e = entry_err(r#"{"self": {"self": 1}}"#);
        assert!(
            e.starts_with("unknown field `self`, expected `numerator` or `denominator`"),
            "{e}"
        );
        let e = entry_err("[1, 2]");
        assert!(
            e.starts_with("invalid type: sequence, expected a number, true/false, a label"),
            "{e}"
        );
        let e = serde_json::from_str::<Value>(r#"{"appraised": 1}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("unknown field `appraised`, expected `numerator` or `denominator`"),
            "{e}"
        );
    }

    #[test]
    fn display() {
        assert_eq!(Value::from(3.5).to_string(), "3.5");
        assert_eq!(Value::from("x").to_string(), "\"x\"");
        assert_eq!(Entry::ratio(1.0, 4.0).scored().unwrap().to_string(), "1/4");
    }
}
