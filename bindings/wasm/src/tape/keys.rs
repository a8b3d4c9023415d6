//! Map keys as serde_json writes them: strings, integers and finite floats as their text,
//! `true` / `false`, unit variants; the same errors for keys JSON cannot hold.

use serde::ser::{self, Serialize};

use super::*;

/// A map key: written as the string serde_json would make of it (a string index on `nums`).
pub(super) struct KeySerializer<'a>(pub(super) &'a mut Tape);

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
