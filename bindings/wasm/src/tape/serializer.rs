//! The serde serializer that writes values onto the tape: sequences and maps through [`Open`],
//! structs through [`Fields`] (by shape), enum variants as serde_json writes them.

use serde::ser::{self, Serialize};

use super::*;

/// An array or map being written: where its count goes, and the count so far.
pub struct Open<'a> {
    pub(super) tape: &'a mut Tape,
    pub(super) at: usize,
    pub(super) count: u32,
}

/// A struct being written: where its shape goes, and where its keys start on [`Tape::keys`].
pub struct Fields<'a> {
    pub(super) tape: &'a mut Tape,
    pub(super) at: usize,
    pub(super) keys_from: usize,
}

impl Fields<'_> {
    /// A field: its key goes to the shape, its value to the tape.
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<(), TapeError> {
        self.key(key);
        v.serialize(&mut *self.tape)
    }

    // Out of line, as `end`: one copy, not one per value type or struct type.
    #[inline(never)]
    fn key(&mut self, key: &'static str) {
        self.tape.keys.push(key);
    }

    #[inline(never)]
    fn end(self) -> Result<(), TapeError> {
        self.tape.nums[self.at] = f64::from(self.tape.shape(self.keys_from));
        Ok(())
    }
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
    type SerializeStruct = Fields<'a>;
    type SerializeStructVariant = Fields<'a>;

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
    fn serialize_struct(self, name: &'static str, _: usize) -> Result<Fields<'a>, TapeError> {
        Ok(self.open_struct(name))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Fields<'a>, TapeError> {
        self.variant(variant);
        Ok(self.open_struct(variant))
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

/// Objects of named fields: each value (its key, a `&'static str`, to the shape), then the shape.
macro_rules! fields {
    ($($t:ident),*) => {$(
        impl ser::$t for Fields<'_> {
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
                Fields::end(self)
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
