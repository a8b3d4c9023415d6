//! Results cross to JS as a *tape*: a serde serializer that writes one byte per value (its
//! kind), the numbers as `f64` (exact: no decimal text on the way), and every distinct string
//! once; `js/tape.js` rebuilds the plain objects from it in one pass.
//!
//! Why not JSON text: for the 63-province panel with explanations (537 KB of JSON), writing
//! the text, decoding it from UTF-8 into a JS string and `JSON.parse` took ~70 % of a
//! `scoreCohort` call; the tape skips all three.
//!
//! Structs cross by *shape*: the sequence of their keys is written once (`shapes`), each
//! struct as its shape's index and its values, and JS builds each shape's objects with one
//! object literal (`js/tape.js`). For the 63-province panel that halves the JS side (1.2 →
//! 0.6 ms: adding keys one by one to `{}` made V8 change each object's layout per key) and
//! takes 31,000 key numbers off the tape. Maps (whose keys are data) keep their keys beside
//! their values.
//!
//! The objects are those `JSON.parse(serde_json::to_string(v))` gives, value for value: the
//! same keys in the same order, non-finite numbers as `null`, unit variants as strings,
//! newtype / tuple / struct variants as `{"Variant": …}`, map keys as serde_json writes them
//! (strings, integers and finite floats as their text, `true` / `false`, unit variants), the
//! same errors for keys JSON cannot hold. `tests::the_tape_is_json` checks it on every shape.

use std::fmt;

use rustc_hash::FxHashMap;
use serde::ser::{self, Serialize};

mod caches;
mod keys;
mod serializer;

use caches::slot_of;
use keys::KeySerializer;
pub use serializer::{Fields, Open};

/// What the next value is (one byte per value on `ops`).
pub const NULL: u8 = 0;
pub const FALSE: u8 = 1;
pub const TRUE: u8 = 2;
/// The next number of `nums`.
pub const NUMBER: u8 = 3;
/// The string whose index is the next number of `nums`.
pub const STRING: u8 = 4;
/// The next number of `nums` is the length; the elements follow.
pub const ARRAY: u8 = 5;
/// The next number of `nums` is the number of entries; each is a key (a string index on
/// `nums`) and a value.
pub const OBJECT: u8 = 6;
/// An object of a known shape: the next number of `nums` is the shape's index in `shapes`;
/// one value per key of the shape follows.
pub const SHAPED: u8 = 7;

/// A value written as a tape.
#[derive(Debug)]
pub struct Tape {
    /// One kind byte per value.
    pub ops: Vec<u8>,
    /// Numbers, lengths and string indices, in the order the decoder reads them.
    pub nums: Vec<f64>,
    /// Every distinct string, concatenated.
    pub text: String,
    /// The length of each string of `text` in UTF-16 code units (how JS slices).
    pub lens: Vec<u32>,
    /// Every distinct shape of a struct: its number of keys, then each key's string index.
    pub shapes: Vec<u32>,
    /// Shape indices by key sequence (each key index as four chars, one per byte: the map
    /// type the strings use, not a second one in the module).
    shape_index: FxHashMap<Box<str>, u32>,
    /// [`Tape::shape`]'s key text, reused.
    shape_text: String,
    /// Where each shape's field names start on `names_of_shapes`, and how many there are.
    shape_names: Vec<(usize, usize)>,
    /// The field names of every shape, one after the other.
    names_of_shapes: Vec<&'static str>,
    /// The last shape (its index + 1; 0 for none) of a struct type, in 64 slots by the type's
    /// name: most structs are the shape their type had last time, checked by comparing keys,
    /// without building the key text and hashing it.
    recent_shapes: [u32; 64],
    /// The field names of the structs being written, innermost last ([`Fields::end`] takes
    /// them).
    keys: Vec<&'static str>,
    /// The slot in `recent_shapes` of each struct being written.
    slots: Vec<usize>,
    index: FxHashMap<Box<str>, u32>,
    /// Field and variant names by address: found without hashing their text.
    names: FxHashMap<(usize, usize), u32>,
    /// The last name seen in each of 64 slots (by address): a result has a few dozen field
    /// names met hundreds of thousands of times, so most are found here without a hash.
    recent: [(usize, usize, u32); 64],
}

impl Tape {
    /// Writes `v`.
    pub fn of<T: Serialize + ?Sized>(v: &T) -> Result<Tape, TapeError> {
        let mut tape = Tape::new();
        v.serialize(&mut tape)?;
        Ok(tape)
    }

    /// An empty tape (out of line: one copy, not one per type written).
    #[inline(never)]
    fn new() -> Tape {
        Tape {
            ops: Vec::new(),
            nums: Vec::new(),
            text: String::new(),
            lens: Vec::new(),
            shapes: Vec::new(),
            shape_index: FxHashMap::default(),
            shape_text: String::new(),
            shape_names: Vec::new(),
            names_of_shapes: Vec::new(),
            recent_shapes: [0; 64],
            keys: Vec::new(),
            slots: Vec::new(),
            index: FxHashMap::default(),
            names: FxHashMap::default(),
            // An empty slot: no string is usize::MAX bytes long.
            recent: [(0, usize::MAX, 0); 64],
        }
    }

    fn push_string(&mut self, s: &str) {
        self.ops.push(STRING);
        let k = self.string(s);
        self.nums.push(k);
    }

    fn number(&mut self, x: f64) {
        // serde_json writes non-finite numbers as null.
        if x.is_finite() {
            self.ops.push(NUMBER);
            self.nums.push(x);
        } else {
            self.ops.push(NULL);
        }
    }

    /// Opens an array or object; its count is filled in by [`Open::close`].
    fn open(&mut self, op: u8) -> Open<'_> {
        self.ops.push(op);
        self.nums.push(0.0);
        let at = self.nums.len() - 1;
        Open {
            tape: self,
            at,
            count: 0,
        }
    }

    /// Opens a struct (`name`: its type's); its shape is filled in by [`Fields::end`].
    #[inline(never)]
    fn open_struct(&mut self, name: &'static str) -> Fields<'_> {
        self.ops.push(SHAPED);
        self.nums.push(0.0);
        let slot = slot_of(name, self.recent_shapes.len());
        self.slots.push(slot);
        Fields {
            at: self.nums.len() - 1,
            keys_from: self.keys.len(),
            tape: self,
        }
    }

    /// `{"variant": …}` around what follows (the entry's value).
    fn variant(&mut self, variant: &'static str) {
        self.ops.push(OBJECT);
        self.nums.push(1.0);
        let k = self.name(variant);
        self.nums.push(k);
    }
}

/// Why a value could not be written (what serde_json would refuse too).
#[derive(Debug)]
pub struct TapeError(String);

impl fmt::Display for TapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TapeError {}

impl ser::Error for TapeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TapeError(msg.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, Value};
    use std::collections::BTreeMap;

    /// What `js/tape.js` does, in Rust: the tape read back as a JSON value.
    fn read(t: &Tape) -> Value {
        let strings: Vec<String> = {
            let units: Vec<u16> = t.text.encode_utf16().collect();
            let mut at = 0;
            t.lens
                .iter()
                .map(|&n| {
                    let s = String::from_utf16(&units[at..at + n as usize]).unwrap();
                    at += n as usize;
                    s
                })
                .collect()
        };
        let (mut o, mut n) = (0, 0);
        fn value(t: &Tape, s: &[String], o: &mut usize, n: &mut usize) -> Value {
            let op = t.ops[*o];
            *o += 1;
            let mut next = || {
                *n += 1;
                t.nums[*n - 1]
            };
            match op {
                NULL => Value::Null,
                FALSE => Value::Bool(false),
                TRUE => Value::Bool(true),
                NUMBER => {
                    let x = next();
                    // JSON.parse gives a double; serde_json's Value keeps integers apart.
                    // A non-finite number on the tape would reach JS as itself, not null.
                    serde_json::Number::from_f64(x)
                        .map_or_else(|| Value::String(format!("{x} on the tape")), Value::Number)
                }
                STRING => Value::String(s[next() as usize].clone()),
                ARRAY => {
                    let len = next() as usize;
                    Value::Array((0..len).map(|_| value(t, s, o, n)).collect())
                }
                OBJECT => {
                    let len = next() as usize;
                    let mut m = Map::new();
                    for _ in 0..len {
                        *n += 1;
                        let k = s[t.nums[*n - 1] as usize].clone();
                        let v = value(t, s, o, n);
                        m.insert(k, v);
                    }
                    Value::Object(m)
                }
                SHAPED => {
                    let shape = shapes(t)[next() as usize].clone();
                    let mut m = Map::new();
                    for k in shape {
                        let v = value(t, s, o, n);
                        m.insert(s[k as usize].clone(), v);
                    }
                    Value::Object(m)
                }
                _ => panic!("bad op {op}"),
            }
        }
        let v = value(t, &strings, &mut o, &mut n);
        assert_eq!(
            (o, n),
            (t.ops.len(), t.nums.len()),
            "the whole tape is read"
        );
        v
    }

    /// The shapes of `t`, each its keys' string indices.
    fn shapes(t: &Tape) -> Vec<Vec<u32>> {
        let (mut out, mut at) = (Vec::new(), 0);
        while at < t.shapes.len() {
            let len = t.shapes[at] as usize;
            out.push(t.shapes[at + 1..at + 1 + len].to_vec());
            at += 1 + len;
        }
        out
    }

    /// serde_json's own JSON of `v`, with every number as the double JS would read.
    fn json<T: Serialize>(v: &T) -> Value {
        fn doubles(v: Value) -> Value {
            match v {
                Value::Number(x) => serde_json::Number::from_f64(x.as_f64().unwrap())
                    .map_or(Value::Null, Value::Number),
                Value::Array(a) => Value::Array(a.into_iter().map(doubles).collect()),
                Value::Object(m) => {
                    Value::Object(m.into_iter().map(|(k, v)| (k, doubles(v))).collect())
                }
                v => v,
            }
        }
        doubles(serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap())
    }

    fn same<T: Serialize>(v: &T) {
        assert_eq!(read(&Tape::of(v).unwrap()), json(v));
    }

    #[derive(serde::Serialize)]
    enum E {
        Unit,
        New(f64),
        Tuple(u8, String),
        Struct { a: Option<i32>, b: Vec<bool> },
    }

    #[derive(serde::Serialize)]
    struct S<'a> {
        x: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u32>,
        none: Option<u32>,
        text: &'a str,
        c: char,
        e: Vec<E>,
        #[serde(flatten)]
        rest: BTreeMap<String, i64>,
        by_int: BTreeMap<i32, &'a str>,
        by_bool: BTreeMap<bool, u8>,
        unit: (),
        tuple: (u64, i128, f32),
    }

    #[test]
    fn the_tape_is_json() {
        same(&S {
            x: 0.1 + 0.2,
            skipped: None,
            none: None,
            text: "Hà Nội — 𝔸 \u{0} \"q\"",
            c: 'ộ',
            e: vec![
                E::Unit,
                E::New(f64::NAN),
                E::Tuple(7, "t".into()),
                E::Struct {
                    a: Some(-3),
                    b: vec![true, false],
                },
            ],
            rest: [("__proto__".to_owned(), 1), ("z".to_owned(), 2)].into(),
            by_int: [(-1, "a"), (2023, "b")].into(),
            by_bool: [(true, 1)].into(),
            unit: (),
            tuple: (u64::MAX, i128::MIN, 0.1),
        });
        same(&[f64::INFINITY, -0.0, 1e300, 5e-324, f64::MIN_POSITIVE]);
        same(&Vec::<u8>::new());
        same(&BTreeMap::<String, u8>::new());
        same(&[[0.5_f64; 3]; 2]);
    }

    #[test]
    fn names_sharing_a_slot_of_the_recent_cache_stay_apart() {
        // 200 names (variant names go through the cache) in 64 slots, each met three times
        // in a scrambled order: every one must read back as itself.
        struct Names(Vec<&'static str>);
        impl Serialize for Names {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ser::SerializeSeq;
                let mut seq = s.serialize_seq(Some(self.0.len()))?;
                for &name in &self.0 {
                    seq.serialize_element(&Variant(name))?;
                }
                seq.end()
            }
        }
        struct Variant(&'static str);
        impl Serialize for Variant {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_unit_variant("E", 0, self.0)
            }
        }
        let names: Vec<&'static str> = (0..200)
            .map(|k| &*Box::leak(format!("name{k}").into_boxed_str()))
            .collect();
        let order: Vec<&'static str> = (0..600).map(|k| names[(k * 37) % 200]).collect();
        let v = read(&Tape::of(&Names(order.clone())).unwrap());
        assert_eq!(
            v,
            Value::Array(order.iter().map(|&n| Value::String(n.into())).collect())
        );
    }

    /// The shapes of `t` as their keys' text.
    fn shape_keys(t: &Tape) -> Vec<Vec<String>> {
        let text: Vec<u16> = t.text.encode_utf16().collect();
        let starts: Vec<usize> = t
            .lens
            .iter()
            .scan(0, |at, &n| {
                *at += n as usize;
                Some(*at - n as usize)
            })
            .collect();
        shapes(t)
            .iter()
            .map(|keys| {
                keys.iter()
                    .map(|&k| {
                        let (at, n) = (starts[k as usize], t.lens[k as usize] as usize);
                        String::from_utf16(&text[at..at + n]).unwrap()
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn structs_cross_by_shape_with_their_keys_in_order() {
        #[derive(serde::Serialize)]
        struct Inner {
            z: u8,
            y: &'static str,
        }
        #[derive(serde::Serialize)]
        struct Outer {
            b: f64,
            #[serde(skip_serializing_if = "Option::is_none")]
            a: Option<u8>,
            #[serde(rename = "__proto__")]
            proto: u8,
            inner: Inner,
        }
        #[derive(serde::Serialize)]
        #[serde(tag = "code", rename_all = "snake_case")]
        enum Tagged {
            One { n: u8 },
            Two { n: u8, m: u8 },
        }
        let outer = |a| Outer {
            b: 0.5,
            a,
            proto: 1,
            inner: Inner { z: 2, y: "y" },
        };
        // A type whose shape changes from one value to the next (a skipped field, the
        // variants of a tagged enum) gets a shape per key sequence, each written once.
        let v = (
            [outer(Some(3)), outer(None), outer(Some(4)), outer(None)],
            [
                Tagged::One { n: 1 },
                Tagged::Two { n: 2, m: 3 },
                Tagged::One { n: 4 },
            ],
        );
        same(&v);
        let t = Tape::of(&v).unwrap();
        let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            shape_keys(&t),
            [
                keys(&["z", "y"]),
                keys(&["b", "a", "__proto__", "inner"]),
                keys(&["b", "__proto__", "inner"]),
                keys(&["code", "n"]),
                keys(&["code", "n", "m"]),
            ]
        );
        // Every struct is its op and its shape: no key on the tape.
        assert_eq!(t.ops.iter().filter(|&&op| op == SHAPED).count(), 4 * 2 + 3);
        assert!(!t.ops.contains(&OBJECT));
    }

    #[test]
    fn equal_field_names_at_other_addresses_are_the_same_shape() {
        // Field names are found by address first: the same text elsewhere must still be
        // the same key, and a different text a different shape.
        struct Dyn(&'static str);
        impl Serialize for Dyn {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ser::SerializeStruct;
                let mut st = s.serialize_struct("Dyn", 1)?;
                st.serialize_field(self.0, &1)?;
                st.end()
            }
        }
        let leak = |s: &str| &*Box::leak(s.to_owned().into_boxed_str());
        let v = [Dyn(leak("k")), Dyn(leak("k")), Dyn(leak("j")), Dyn("k")];
        let t = Tape::of(&v).unwrap();
        assert_eq!(shape_keys(&t), [vec!["k".to_owned()], vec!["j".to_owned()]]);
        assert_eq!(
            read(&t),
            serde_json::json!([{"k": 1.0}, {"k": 1.0}, {"j": 1.0}, {"k": 1.0}])
        );
    }

    #[test]
    fn strings_are_written_once() {
        let t = Tape::of(&["a", "b", "a", "a"]).unwrap();
        assert_eq!((t.text.as_str(), t.lens.as_slice()), ("ab", &[1, 1][..]));
        // UTF-16 lengths: "𝔸" is two code units, "ộ" one.
        let t = Tape::of(&["𝔸ộ"]).unwrap();
        assert_eq!(t.lens, [3]);
    }

    #[test]
    fn keys_json_cannot_hold_are_refused_as_serde_json_refuses_them() {
        let m: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into();
        assert!(serde_json::to_string(&m).is_err());
        assert_eq!(
            Tape::of(&m).unwrap_err().to_string(),
            "key must be a string"
        );
    }

    #[test]
    fn a_core_result_is_its_json() {
        let fw = dti_core::Framework::builtin("vn-pdti-2022").unwrap();
        let text = include_str!("../../../fixtures/vn-provinces-synthetic/panel.json");
        let units: Vec<dti_core::UnitRecord> = serde_json::from_str(text).unwrap();
        let scores = fw.score(&units).unwrap();
        same(&scores);
        same(fw.def());
    }
}
