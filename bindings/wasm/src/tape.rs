//! Results cross to JS as a *tape*: a serde serializer that writes one byte per value (its
//! kind), the numbers as `f64` (exact: no decimal text on the way), and every distinct string
//! once; `js/tape.js` rebuilds the plain objects from it in one pass.
//!
//! Why not JSON text: for the 63-province panel with explanations (537 KB of JSON), writing
//! the text, decoding it from UTF-8 into a JS string and `JSON.parse` took ~70 % of a
//! `scoreCohort` call; the tape skips all three.
//!
//! The objects are those `JSON.parse(serde_json::to_string(v))` gives, value for value: the
//! same keys in the same order, non-finite numbers as `null`, unit variants as strings,
//! newtype / tuple / struct variants as `{"Variant": …}`, map keys as serde_json writes them
//! (strings, integers and finite floats as their text, `true` / `false`, unit variants), the
//! same errors for keys JSON cannot hold. `tests::the_tape_is_json` checks it on every shape.

use std::fmt;

use rustc_hash::FxHashMap;
use serde::ser::{self, Serialize};

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
            index: FxHashMap::default(),
            names: FxHashMap::default(),
            // An empty slot: no string is usize::MAX bytes long.
            recent: [(0, usize::MAX, 0); 64],
        }
    }

    fn string(&mut self, s: &str) -> f64 {
        if let Some(&k) = self.index.get(s) {
            return f64::from(k);
        }
        let k = self.lens.len() as u32;
        self.text.push_str(s);
        self.lens.push(s.encode_utf16().count() as u32);
        self.index.insert(s.into(), k);
        f64::from(k)
    }

    /// [`Tape::string`] of a field or variant name (the same `&'static str` every time).
    #[inline(never)]
    fn name(&mut self, s: &'static str) -> f64 {
        let at = (s.as_ptr() as usize, s.len());
        let slot = (at.0 ^ at.1) % self.recent.len();
        let (p, l, k) = self.recent[slot];
        if (p, l) == at {
            return f64::from(k);
        }
        let k = match self.names.get(&at) {
            Some(&k) => k,
            None => {
                let k = self.string(s) as u32;
                self.names.insert(at, k);
                k
            }
        };
        self.recent[slot] = (at.0, at.1, k);
        f64::from(k)
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

/// An array or object being written: where its count goes, and the count so far.
pub struct Open<'a> {
    tape: &'a mut Tape,
    at: usize,
    count: u32,
}

impl Open<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), TapeError> {
        self.count += 1;
        v.serialize(&mut *self.tape)
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), TapeError> {
        self.count += 1;
        key.serialize(KeySerializer(&mut *self.tape))
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<(), TapeError> {
        self.count += 1;
        let k = self.tape.name(key);
        self.tape.nums.push(k);
        v.serialize(&mut *self.tape)
    }

    fn close(self) -> Result<(), TapeError> {
        self.tape.nums[self.at] = f64::from(self.count);
        Ok(())
    }
}

/// Integer values: the double nearest to each.
macro_rules! integer_values {
    ($($f:ident($t:ty)),*) => {$(
        fn $f(self, v: $t) -> Result<(), TapeError> {
            self.number(v as f64);
            Ok(())
        }
    )*};
}

impl<'a> ser::Serializer for &'a mut Tape {
    type Ok = ();
    type Error = TapeError;
    type SerializeSeq = Open<'a>;
    type SerializeTuple = Open<'a>;
    type SerializeTupleStruct = Open<'a>;
    type SerializeTupleVariant = Open<'a>;
    type SerializeMap = Open<'a>;
    type SerializeStruct = Open<'a>;
    type SerializeStructVariant = Open<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), TapeError> {
        self.ops.push(if v { TRUE } else { FALSE });
        Ok(())
    }
    // An integer's decimal text parses in JS to the double nearest to it, as `as f64` rounds.
    integer_values!(
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128)
    );
    // serde_json writes an f32 as its shortest text, which JS reads as the nearest double.
    fn serialize_f32(self, v: f32) -> Result<(), TapeError> {
        if v.is_finite() {
            self.number(v.to_string().parse().unwrap_or(f64::NAN));
        } else {
            self.ops.push(NULL);
        }
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), TapeError> {
        self.number(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), TapeError> {
        self.push_string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), TapeError> {
        self.push_string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), TapeError> {
        let mut seq = self.open(ARRAY);
        for b in v {
            seq.element(b)?;
        }
        seq.close()
    }
    fn serialize_none(self) -> Result<(), TapeError> {
        self.ops.push(NULL);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), TapeError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), TapeError> {
        self.ops.push(NULL);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), TapeError> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), TapeError> {
        self.ops.push(STRING);
        let k = self.name(variant);
        self.nums.push(k);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), TapeError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), TapeError> {
        self.variant(variant);
        v.serialize(self)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Open<'a>, TapeError> {
        Ok(self.open(ARRAY))
    }
    fn serialize_tuple(self, _: usize) -> Result<Open<'a>, TapeError> {
        Ok(self.open(ARRAY))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Open<'a>, TapeError> {
        Ok(self.open(ARRAY))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Open<'a>, TapeError> {
        self.variant(variant);
        Ok(self.open(ARRAY))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Open<'a>, TapeError> {
        Ok(self.open(OBJECT))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Open<'a>, TapeError> {
        Ok(self.open(OBJECT))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Open<'a>, TapeError> {
        self.variant(variant);
        Ok(self.open(OBJECT))
    }
}

/// Arrays: every element in turn, then the count.
macro_rules! elements {
    ($($t:ident :: $f:ident),*) => {$(
        impl ser::$t for Open<'_> {
            type Ok = ();
            type Error = TapeError;
            fn $f<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), TapeError> {
                self.element(v)
            }
            fn end(self) -> Result<(), TapeError> {
                self.close()
            }
        }
    )*};
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// Objects of named fields: each key (a `&'static str`) and value, then the count.
macro_rules! fields {
    ($($t:ident),*) => {$(
        impl ser::$t for Open<'_> {
            type Ok = ();
            type Error = TapeError;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                v: &T,
            ) -> Result<(), TapeError> {
                self.field(key, v)
            }
            fn end(self) -> Result<(), TapeError> {
                self.close()
            }
        }
    )*};
}

fields!(SerializeStruct, SerializeStructVariant);

impl ser::SerializeMap for Open<'_> {
    type Ok = ();
    type Error = TapeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), TapeError> {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), TapeError> {
        v.serialize(&mut *self.tape)
    }
    fn end(self) -> Result<(), TapeError> {
        self.close()
    }
}

/// A map key: written as the string serde_json would make of it (a string index on `nums`).
struct KeySerializer<'a>(&'a mut Tape);

impl KeySerializer<'_> {
    fn text(self, s: &str) -> Result<(), TapeError> {
        let k = self.0.string(s);
        self.0.nums.push(k);
        Ok(())
    }
}

fn key_must_be_a_string() -> TapeError {
    TapeError("key must be a string".to_owned())
}

/// Keys of the kinds serde_json refuses are refused with its words.
macro_rules! refuse {
    ($($f:ident($($t:ty),*) -> $r:ty;)*) => {
        $(fn $f(self, $(_: $t),*) -> Result<$r, TapeError> {
            Err(key_must_be_a_string())
        })*
    };
}

/// Integer keys, written as serde_json writes them: their decimal text.
macro_rules! integer_keys {
    ($($f:ident($t:ty)),*) => {$(
        fn $f(self, v: $t) -> Result<(), TapeError> {
            self.text(&v.to_string())
        }
    )*};
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = TapeError;
    type SerializeSeq = ser::Impossible<(), TapeError>;
    type SerializeTuple = ser::Impossible<(), TapeError>;
    type SerializeTupleStruct = ser::Impossible<(), TapeError>;
    type SerializeTupleVariant = ser::Impossible<(), TapeError>;
    type SerializeMap = ser::Impossible<(), TapeError>;
    type SerializeStruct = ser::Impossible<(), TapeError>;
    type SerializeStructVariant = ser::Impossible<(), TapeError>;

    fn serialize_bool(self, v: bool) -> Result<(), TapeError> {
        self.text(if v { "true" } else { "false" })
    }
    // Integer keys as their decimal text.
    integer_keys!(
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_i128(i128),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_u128(u128)
    );
    // serde_json writes a finite float key as the number's own text.
    fn serialize_f32(self, v: f32) -> Result<(), TapeError> {
        if !v.is_finite() {
            return Err(TapeError("float key must be finite".to_owned()));
        }
        let s = serde_json::to_string(&v).map_err(|e| TapeError(e.to_string()))?;
        self.text(&s)
    }
    fn serialize_f64(self, v: f64) -> Result<(), TapeError> {
        if !v.is_finite() {
            return Err(TapeError("float key must be finite".to_owned()));
        }
        let s = serde_json::to_string(&v).map_err(|e| TapeError(e.to_string()))?;
        self.text(&s)
    }
    fn serialize_char(self, v: char) -> Result<(), TapeError> {
        self.text(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), TapeError> {
        self.text(v)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), TapeError> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), TapeError> {
        v.serialize(self)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), TapeError> {
        Err(key_must_be_a_string())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), TapeError> {
        Err(key_must_be_a_string())
    }
    refuse! {
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
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
