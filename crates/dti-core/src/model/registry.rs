//! The province registry: the 63 provinces before 1 July 2025, the 34 from then on, and the
//! 2025 merger (National Assembly Resolution 202/2025/QH15). Data in `fixtures/registry/`.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::model::merge_map::MergeMap;
use crate::suggest::closest_n;
use crate::text::name_key;

const PRE_2025: &str = include_str!("../../data/registry/provinces-pre2025.csv");
const FROM_2025: &str = include_str!("../../data/registry/provinces-2025.csv");
const MERGER_2025: &str = include_str!("../../data/registry/merger-2025.csv");

/// Which map of provinces.
///
/// ```
/// assert_eq!(dti_core::model::provinces(dti_core::Era::Pre2025).len(), 63);
/// assert_eq!(dti_core::model::provinces(dti_core::Era::From2025).len(), 34);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Era {
    /// The 63 provinces before 1 July 2025.
    Pre2025,
    /// The 34 provinces from 1 July 2025.
    From2025,
}

impl Era {
    fn label(self) -> &'static str {
        match self {
            Era::Pre2025 => "the 63 provinces before 1 July 2025",
            Era::From2025 => "the 34 provinces from 1 July 2025",
        }
    }
}

/// A province or centrally-run city.
///
/// ```
/// let p = dti_core::find_province("vinh phuc", dti_core::Era::Pre2025)?;
/// assert_eq!((p.code.as_str(), p.name_vi.as_str(), p.gso_code), ("vinh-phuc", "Vĩnh Phúc", Some(26)));
/// # Ok::<(), dti_core::model::LookupError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Province {
    /// Stable code: a slug of the ASCII name, unique within its era.
    pub code: String,
    /// Vietnamese name with diacritics.
    pub name_vi: String,
    /// ASCII-folded name.
    pub alias: String,
    /// General Statistics Office code (pre-2025 provinces only).
    pub gso_code: Option<u16>,
    /// Which map it belongs to.
    pub era: Era,
}

/// A name or code that matches no province.
///
/// ```
/// let err = dti_core::find_province("Vinh Phuk", dti_core::Era::Pre2025).unwrap_err();
/// assert_eq!(err.suggestions[0], "Vĩnh Phúc");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[error("no province matches '{query}' among {}{}", era.label(), if suggestions.is_empty() { String::new() } else { format!("; closest: {}", suggestions.join(", ")) })]
pub struct LookupError {
    /// What was looked up.
    pub query: String,
    /// Where.
    pub era: Era,
    /// The closest names, best first.
    pub suggestions: Vec<String>,
}

impl LookupError {
    /// The stable snake_case kind of the error: `unknown_province` (the WASM package's
    /// `Error.code`).
    ///
    /// ```
    /// let err = dti_core::find_province("Atlantis", dti_core::Era::Pre2025).unwrap_err();
    /// assert_eq!(err.code(), "unknown_province");
    /// ```
    pub fn code(&self) -> &'static str {
        "unknown_province"
    }
}

/// Other names in common use, as [`name_key`]s (so no folding at run time), each with its
/// province's code: found as the province's name is. In code rather than in the CSV files:
/// parsing another column cost the browser package 1.7 KB.
const OTHER_NAMES: [(&str, &str); 5] = [
    ("hcm", "ho-chi-minh"),    // HCM, TP. HCM, TP.HCM
    ("hcmc", "ho-chi-minh"),   // HCMC
    ("tphcm", "ho-chi-minh"),  // TPHCM
    ("saigon", "ho-chi-minh"), // Sài Gòn, Saigon
    ("brvt", "ba-ria-vung-tau"),
];

fn parse(text: &str, era: Era) -> Vec<Province> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            match era {
                Era::Pre2025 => Province {
                    code: f[0].to_owned(),
                    gso_code: f[1].parse().ok(),
                    name_vi: f[2].to_owned(),
                    alias: f[3].to_owned(),
                    era,
                },
                Era::From2025 => Province {
                    code: f[0].to_owned(),
                    gso_code: None,
                    name_vi: f[1].to_owned(),
                    alias: f[2].to_owned(),
                    era,
                },
            }
        })
        .collect()
}

/// Every province of an era, in the order of the official list.
///
/// ```
/// let first = &dti_core::model::provinces(dti_core::Era::Pre2025)[0];
/// assert_eq!(first.name_vi, "Hà Nội");
/// ```
pub fn provinces(era: Era) -> &'static [Province] {
    static PRE: OnceLock<Vec<Province>> = OnceLock::new();
    static FROM: OnceLock<Vec<Province>> = OnceLock::new();
    match era {
        Era::Pre2025 => PRE.get_or_init(|| parse(PRE_2025, era)),
        Era::From2025 => FROM.get_or_init(|| parse(FROM_2025, era)),
    }
}

/// Finds a province by code, GSO code, Vietnamese name or ASCII alias, ignoring case,
/// diacritics, spacing and a "TP."/"Thành phố"/"Tỉnh" prefix. An unknown name is an error
/// listing the closest names.
///
/// ```
/// use dti_core::{find_province, Era};
/// assert_eq!(find_province("TP. Hồ Chí Minh", Era::From2025)?.code, "ho-chi-minh");
/// assert_eq!(find_province("thanh pho ho chi minh", Era::From2025)?.code, "ho-chi-minh");
/// assert_eq!(find_province("DAK LAK", Era::Pre2025)?.name_vi, "Đắk Lắk");
/// assert_eq!(find_province("ba-ria-vung-tau", Era::Pre2025)?.gso_code, Some(77));
/// assert_eq!(find_province("26", Era::Pre2025)?.name_vi, "Vĩnh Phúc");
/// // The names people use: HCM, TP.HCM, Sài Gòn, Saigon, Hanoi, Huế.
/// for q in ["HCM", "TP. HCM", "TP.HCM", "HCMC", "Sài Gòn", "Saigon"] {
///     assert_eq!(find_province(q, Era::From2025)?.code, "ho-chi-minh", "{q}");
/// }
/// assert_eq!(find_province("Hanoi", Era::Pre2025)?.code, "ha-noi");
/// assert_eq!(find_province("Huế", Era::From2025)?.code, "hue");
/// # Ok::<(), dti_core::model::LookupError>(())
/// ```
pub fn find_province(query: &str, era: Era) -> Result<&'static Province, LookupError> {
    let all = provinces(era);
    let key = name_key(query);
    let found = province_named(query, era).or_else(|| {
        all.iter().find(|p| {
            p.gso_code
                .is_some_and(|g| query.trim().parse::<u16>() == Ok(g))
        })
    });
    found.ok_or_else(|| {
        let keys: Vec<String> = all.iter().map(|p| name_key(&p.name_vi)).collect();
        let suggestions = closest_n(&key, keys.iter().map(String::as_str), 3)
            .into_iter()
            .filter_map(|k| all.iter().find(|p| name_key(&p.name_vi) == k))
            .map(|p| p.name_vi.clone())
            .collect();
        LookupError {
            query: query.to_owned(),
            era,
            suggestions,
        }
    })
}

/// The province a name or code denotes in an era — by registry code, or by its Vietnamese
/// name with case, diacritics, spacing and a "TP."/"Thành phố"/"Tỉnh" prefix ignored — or
/// `None`. One hash lookup: the names are keyed once per era (the resolver behind
/// [`find_province`] and the command line's reading of published tables).
///
/// ```
/// use dti_core::{model::province_named, Era};
/// assert_eq!(province_named("TP. Hồ Chí Minh", Era::Pre2025).map(|p| p.code.as_str()), Some("ho-chi-minh"));
/// assert_eq!(province_named("ha-noi", Era::From2025).map(|p| p.name_vi.as_str()), Some("Hà Nội"));
/// assert!(province_named("Atlantis", Era::Pre2025).is_none());
/// ```
pub fn province_named(query: &str, era: Era) -> Option<&'static Province> {
    /// An era's provinces by code and by name key (a code is looked up first).
    struct Index {
        codes: Keys,
        names: Keys,
    }
    static PRE: OnceLock<Index> = OnceLock::new();
    static FROM: OnceLock<Index> = OnceLock::new();
    let all = provinces(era);
    let index = match era {
        Era::Pre2025 => &PRE,
        Era::From2025 => &FROM,
    }
    .get_or_init(|| Index {
        codes: Keys::new(all.iter().map(|p| p.code.clone())),
        names: Keys::new(all.iter().map(|p| name_key(&p.name_vi))),
    });
    if let Some(k) = index.codes.get(query.trim()) {
        return Some(&all[k]);
    }
    // Ids are mostly ASCII: their key is built on the stack (this runs for every row read).
    let mut buf = [0u8; 64];
    let key = match crate::text::ascii_name_key(query, &mut buf) {
        Some(key) => std::borrow::Cow::Borrowed(key),
        None => std::borrow::Cow::Owned(name_key(query)),
    };
    let k = index.names.get(&key).or_else(|| {
        let other = OTHER_NAMES.iter().find(|o| o.0 == key)?;
        index.codes.get(other.1)
    });
    k.map(|k| &all[k])
}

/// A few keys, each to its position, with a quick "no" for most text that is none of them
/// (most ids in a large file are no province's): a key's length and first byte are looked
/// at before any hashing.
struct Keys {
    map: std::collections::HashMap<String, usize>,
    /// `shapes[len]` has bit `b` set when some key of length `len` starts with a byte
    /// whose value is `b` (modulo 64).
    shapes: Vec<u64>,
}

impl Keys {
    fn new(keys: impl Iterator<Item = String>) -> Keys {
        let map: std::collections::HashMap<String, usize> =
            keys.enumerate().map(|(k, key)| (key, k)).collect();
        let longest = map.keys().map(String::len).max().unwrap_or(0);
        let mut shapes = vec![0u64; longest + 1];
        for key in map.keys() {
            if let Some(&b) = key.as_bytes().first() {
                shapes[key.len()] |= 1 << (b % 64);
            }
        }
        Keys { map, shapes }
    }

    fn get(&self, key: &str) -> Option<usize> {
        let first = *key.as_bytes().first()?;
        let shape = self.shapes.get(key.len())?;
        if shape & (1 << (first % 64)) == 0 {
            return None;
        }
        self.map.get(key).copied()
    }
}

/// The 2025 merger as a [`MergeMap`] over province codes: each of the 34 provinces from the
/// former provinces it was formed from (Resolution 202/2025/QH15). Names are kept in
/// [`MergeGroup::name`](crate::analyses::MergeGroup::name).
///
/// ```
/// let map = dti_core::merger_2025();
/// assert_eq!(map.groups.len(), 34);
/// let pt = map.groups.iter().find(|g| g.unit == "phu-tho").unwrap();
/// assert_eq!(pt.from, ["phu-tho", "vinh-phuc", "hoa-binh"]);
/// ```
pub fn merger_2025() -> &'static MergeMap {
    static MAP: OnceLock<MergeMap> = OnceLock::new();
    MAP.get_or_init(|| {
        let pairs = MERGER_2025.lines().skip(1).filter_map(|line| {
            let (new, old) = line.split_once(',')?;
            // The embedded names are checked by a test to resolve; skip rather than panic.
            let new = find_province(new, Era::From2025).ok()?;
            let old = find_province(old, Era::Pre2025).ok()?;
            Some((new, old))
        });
        let mut map = MergeMap::default();
        for (new, old) in pairs {
            map.add(&new.code, Some(&new.name_vi), &old.code);
        }
        map
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_merger_name_resolves() {
        for line in MERGER_2025.lines().skip(1) {
            let (new, old) = line.split_once(',').unwrap();
            find_province(new, Era::From2025).unwrap();
            find_province(old, Era::Pre2025).unwrap();
        }
        let formers: usize = merger_2025().groups.iter().map(|g| g.from.len()).sum();
        assert_eq!(formers, 63);
    }

    #[test]
    fn every_province_is_named_by_its_code_and_its_name() {
        for era in [Era::Pre2025, Era::From2025] {
            for p in provinces(era) {
                let upper = p.name_vi.to_uppercase();
                let ascii = crate::text::fold_diacritics(&p.name_vi);
                for q in [
                    p.code.as_str(),
                    &p.name_vi,
                    &upper,
                    &ascii,
                    &format!(" {} ", p.name_vi),
                ] {
                    assert_eq!(
                        province_named(q, era).map(|f| &f.code),
                        Some(&p.code),
                        "{q:?}"
                    );
                }
            }
            for q in ["", " ", "U123", "x", "ha-noi-2", "Hà Nội Mới"] {
                assert_eq!(province_named(q, era), None, "{q:?}");
            }
        }
    }

    #[test]
    fn codes_and_keys_are_unique_within_an_era() {
        for era in [Era::Pre2025, Era::From2025] {
            let all = provinces(era);
            for (i, p) in all.iter().enumerate() {
                for q in &all[i + 1..] {
                    assert_ne!(p.code, q.code);
                    assert_ne!(name_key(&p.name_vi), name_key(&q.name_vi));
                }
            }
        }
    }

    #[test]
    fn other_names_are_name_keys_of_a_province() {
        for (key, code) in OTHER_NAMES {
            assert_eq!(name_key(key), key);
            assert!(
                provinces(Era::From2025).iter().any(|p| p.code == code)
                    || code == "ba-ria-vung-tau"
            );
            assert!(provinces(Era::Pre2025).iter().any(|p| p.code == code));
        }
        for q in ["TP.HCM", "TP. HCM", "Sài Gòn", "HCMC"] {
            assert!(OTHER_NAMES.iter().any(|o| o.0 == name_key(q)), "{q}");
        }
    }

    #[test]
    fn unknown_names_suggest_the_closest() {
        let err = find_province("Ha Noj", Era::From2025).unwrap_err();
        assert_eq!(err.suggestions.first().map(String::as_str), Some("Hà Nội"));
        assert!(err.to_string().contains("closest: Hà Nội"), "{err}");
        // Before 2025 Huế was Thừa Thiên Huế; from 2025 it is Huế.
        assert!(find_province("Thừa Thiên Huế", Era::From2025).is_err());
        assert_eq!(find_province("Huế", Era::From2025).unwrap().code, "hue");
    }
}
