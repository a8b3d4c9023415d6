//! Vietnamese text helpers: folding diacritics to ASCII, and lookup keys for names.

/// Vietnamese letters with diacritics, by their ASCII base letter (lowercase).
const FOLD: [(char, &str); 7] = [
    ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
    ('e', "èéẻẽẹêềếểễệ"),
    ('i', "ìíỉĩị"),
    ('o', "òóỏõọôồốổỗộơờớởỡợ"),
    ('u', "ùúủũụưừứửữự"),
    ('y', "ỳýỷỹỵ"),
    ('d', "đ"),
];

fn fold_lower(c: char) -> Option<char> {
    FOLD.iter().find(|(_, v)| v.contains(c)).map(|(b, _)| *b)
}

/// Whether a cell's text means "no value": empty (after trimming) or `NA` in any case — the
/// one missing-value rule of every reader in this workspace (records, the COINr tables, the
/// command's CSV readers, dti-polars' CSV reader), as COINr and R write missing values.
///
/// ```
/// use dti_core::io::is_missing; // also dti_core::text::is_missing
/// assert!(is_missing("") && is_missing("  ") && is_missing("NA") && is_missing(" na "));
/// assert!(!is_missing("0") && !is_missing("N/A") && !is_missing("nan"));
/// ```
pub fn is_missing(text: &str) -> bool {
    let t = text.trim();
    t.is_empty() || t.eq_ignore_ascii_case("NA")
}

/// Whether `c` must not reach a terminal, a log or an XML document as it is: control
/// characters (C0 but tab, DEL, C1 — ESC starts the sequences that clear screens and retitle
/// terminals, a newline forges a line), and the bidirectional overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069) that reverse the text around them.
pub fn is_hostile(c: char) -> bool {
    (c.is_control() && c != '\t')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `text` with every [`is_hostile`] character shown as a Rust escape (`\u{1b}`), for
/// everything printed for a person: tables, messages, charts. Text without one is borrowed.
///
/// ```
/// use dti_core::text::shown;
/// assert_eq!(shown("Hà Nội"), "Hà Nội");
/// assert_eq!(shown("x\n   1  ha-noi"), "x\\u{a}   1  ha-noi");
/// assert_eq!(shown("\u{1b}[2J\u{202e}abc"), "\\u{1b}[2J\\u{202e}abc");
/// ```
pub fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_hostile) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hostile(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`shown`] for a message of several lines: its line breaks are kept, every other hostile
/// character is shown escaped (the parts of the message that quote input escape their own
/// line breaks: see [`Shown`]).
///
/// ```
/// assert_eq!(dti_core::text::shown_lines("2 problems:\n  - \u{1b}]0;x"), "2 problems:\n  - \\u{1b}]0;x");
/// ```
pub fn shown_lines(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_hostile(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let lines: Vec<std::borrow::Cow<'_, str>> = text.split('\n').map(shown).collect();
    std::borrow::Cow::Owned(lines.join("\n"))
}

/// A text cell of a CSV file as a spreadsheet should get it: a cell that begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return would be taken for a formula
/// (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`), so it is prefixed with a single quote, as OWASP's
/// guidance on CSV injection recommends. Numbers are never touched, nor text that is a
/// number (`-4`, `+1.5`).
///
/// ```
/// use dti_core::text::neutralised;
/// assert_eq!(neutralised("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(neutralised("Hà Nội"), "Hà Nội");
/// assert_eq!(neutralised("-"), "'-");
/// assert_eq!(neutralised("-4"), "-4"); // a number written as text
/// ```
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        // A number written as text (a signed rank shift, `-4`) is no formula: left as it is.
        // (Looked at only after the first character: this runs for every id of a large
        // export.)
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if cell.trim().parse::<f64>().is_err() => {
            std::borrow::Cow::Owned(format!("'{cell}"))
        }
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

/// Displays a string as [`shown`] shows it: for messages that quote input.
///
/// ```
/// assert_eq!(format!("unit '{}'", dti_core::text::Shown("a\u{7}b")), "unit 'a\\u{7}b'");
/// ```
pub struct Shown<'a>(pub &'a str);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&shown(self.0))
    }
}

/// Folds Vietnamese diacritics to ASCII, keeping case: `"Đắk Lắk"` → `"Dak Lak"`.
/// Works on precomposed (NFC) and decomposed (NFD) text alike; other characters pass through.
///
/// ```
/// assert_eq!(dti_core::text::fold_diacritics("Thừa Thiên Huế"), "Thua Thien Hue");
/// assert_eq!(dti_core::text::fold_diacritics("ĐỒNG THÁP"), "DONG THAP");
/// // Decomposed input: "a" + combining grave accent.
/// assert_eq!(dti_core::text::fold_diacritics("Ha\u{0300} Nội"), "Ha Noi");
/// ```
pub fn fold_diacritics(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            continue; // a combining mark of decomposed text
        }
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        if let Some(b) = fold_lower(c) {
            out.push(b);
            continue;
        }
        let lower = c.to_lowercase().next().unwrap_or(c);
        match fold_lower(lower) {
            Some(b) => out.push(b.to_ascii_uppercase()),
            None => out.push(c),
        }
    }
    out
}

/// The key names are compared by: diacritics folded, lowercase, a leading "TP."/"Thành phố"/
/// "Tỉnh" dropped, and only letters and digits kept. `"TP. Hồ Chí Minh"`, `"ho chi minh"` and
/// `"Thành phố Hồ Chí Minh"` share a key.
///
/// ```
/// assert_eq!(dti_core::text::name_key("TP. Hồ Chí Minh"), "hochiminh");
/// assert_eq!(dti_core::text::name_key("Thành phố Hồ Chí Minh"), "hochiminh");
/// assert_eq!(dti_core::text::name_key("tỉnh Bà Rịa - Vũng Tàu"), "bariavungtau");
/// ```
pub fn name_key(name: &str) -> String {
    let folded = fold_diacritics(name).to_lowercase();
    let mut rest = folded.trim();
    for prefix in ["thanh pho ", "tp.", "tp ", "tinh "] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r;
            break;
        }
    }
    rest.chars().filter(char::is_ascii_alphanumeric).collect()
}

/// [`name_key`] of an ASCII name, built in `buf` (no allocation: this runs for every row of
/// a large file); `None` for a name that is not ASCII or longer than `buf`.
pub(crate) fn ascii_name_key<'b>(name: &str, buf: &'b mut [u8]) -> Option<&'b str> {
    let name = name.trim();
    if !name.is_ascii() || name.len() > buf.len() {
        return None;
    }
    let lower = &mut buf[..name.len()];
    lower.copy_from_slice(name.as_bytes());
    lower.make_ascii_lowercase();
    let skip = ["thanh pho ", "tp.", "tp ", "tinh "]
        .iter()
        .find(|p| lower.starts_with(p.as_bytes()))
        .map_or(0, |p| p.len());
    let mut n = 0;
    for k in skip..lower.len() {
        if lower[k].is_ascii_alphanumeric() {
            lower[n] = lower[k];
            n += 1;
        }
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// The key unit ids are compared by when looking for duplicates: diacritics folded,
/// lowercase, and spaces, hyphens, underscores and dots dropped — so `HA-NOI`, `ha-noi`,
/// `Hà Nội` and `ha_noi` are one unit. Plain lowercase ASCII ids are their own key (no
/// allocation).
///
/// ```
/// assert_eq!(dti_core::text::unit_key("HA-NOI"), dti_core::text::unit_key("ha noi"));
/// assert_eq!(dti_core::text::unit_key("Hà Nội"), "hanoi");
/// assert_ne!(dti_core::text::unit_key("ha-noi"), dti_core::text::unit_key("ha-nam"));
/// ```
pub fn unit_key(id: &str) -> std::borrow::Cow<'_, str> {
    if id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return std::borrow::Cow::Borrowed(id);
    }
    // ASCII has no diacritics to fold: the same key in one pass (ids are mostly ASCII).
    if id.is_ascii() {
        let mut key = String::with_capacity(id.len());
        key.extend(
            id.chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '.'))
                .map(|c| c.to_ascii_lowercase()),
        );
        return std::borrow::Cow::Owned(key);
    }
    std::borrow::Cow::Owned(
        fold_diacritics(id)
            .to_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '.'))
            .collect(),
    )
}

/// [`unit_key`] of an ASCII id, built in `buf` (no allocation: this runs for every row of a
/// large file); `None` for an id that is not ASCII or longer than `buf`.
pub(crate) fn ascii_unit_key<'b>(id: &str, buf: &'b mut [u8]) -> Option<&'b str> {
    if !id.is_ascii() || id.len() > buf.len() {
        return None;
    }
    let mut n = 0;
    for b in id.bytes() {
        if !b.is_ascii_whitespace() && !matches!(b, b'-' | b'_' | b'.' | b'\x0b') {
            buf[n] = b.to_ascii_lowercase();
            n += 1;
        }
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// A stable slug from a name: folded, lowercase, words joined by hyphens.
///
/// ```
/// assert_eq!(dti_core::text::slug("Bà Rịa - Vũng Tàu"), "ba-ria-vung-tau");
/// ```
pub fn slug(name: &str) -> String {
    fold_diacritics(name)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_unit_key_is_the_unit_key() {
        let ids = [
            "",
            "u123",
            "U123",
            "HA-NOI",
            " ha_noi.x ",
            "a\tb\nc\x0bd\x0ce\rf",
            "Ha Noi",
            "x!@#$%^&*()",
        ];
        for id in ids {
            let mut buf = [0u8; 64];
            assert_eq!(
                ascii_unit_key(id, &mut buf),
                Some(unit_key(id).as_ref()),
                "{id:?}"
            );
        }
        // Every ASCII byte on its own.
        for b in 0u8..128 {
            let id = format!("a{}b", b as char);
            let mut buf = [0u8; 8];
            assert_eq!(
                ascii_unit_key(&id, &mut buf),
                Some(unit_key(&id).as_ref()),
                "{b}"
            );
        }
        assert_eq!(ascii_unit_key("abcde", &mut [0u8; 4]), None);
        assert_eq!(ascii_unit_key("Hà", &mut [0u8; 64]), None);
    }

    #[test]
    fn the_ascii_name_key_is_the_name_key() {
        let names = [
            "",
            "  ",
            "U123",
            "ha-noi",
            "HA NOI",
            " TP. Ho Chi Minh ",
            "tp.hcm",
            "TP HCM",
            "Thanh pho Hue",
            "tinh Lao Cai",
            "tinhlaocai",
            "Tinh  ",
            "a_b.c-d e",
            "x,y;\"z\"",
            "tp",
            "thanh pho",
        ];
        for name in names {
            let mut buf = [0u8; 64];
            assert_eq!(
                ascii_name_key(name, &mut buf),
                Some(name_key(name).as_str()),
                "{name:?}"
            );
        }
        let mut small = [0u8; 4];
        assert_eq!(ascii_name_key("abcde", &mut small), None);
        assert_eq!(ascii_name_key("Hà Nội", &mut [0u8; 64]), None);
    }

    #[test]
    fn every_vietnamese_vowel_folds() {
        for (base, variants) in FOLD {
            for v in variants.chars() {
                assert_eq!(fold_diacritics(&v.to_string()), base.to_string());
                let upper: String = v.to_uppercase().collect();
                assert_eq!(
                    fold_diacritics(&upper),
                    base.to_ascii_uppercase().to_string()
                );
            }
        }
    }

    #[test]
    fn an_ascii_id_gets_the_key_the_folding_path_gives() {
        let folded = |id: &str| -> String {
            fold_diacritics(id)
                .to_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '.'))
                .collect()
        };
        // Every ASCII character, alone and around letters (\x0B is whitespace to `char`).
        for b in 0u8..128 {
            let c = char::from(b);
            for id in [c.to_string(), format!("Ab{c}Cd"), format!("{c}U1{c}")] {
                assert_eq!(unit_key(&id), folded(&id), "{id:?}");
            }
        }
        assert_eq!(unit_key("HA-NOI"), "hanoi");
    }

    #[test]
    fn old_and_new_tone_placement_share_a_key() {
        assert_eq!(name_key("Hòa Bình"), name_key("Hoà Bình"));
        assert_eq!(name_key("Khánh Hòa"), "khanhhoa");
    }
}
