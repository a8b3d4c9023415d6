//! The tape's caches: every distinct string once (`Tape::index`), field and variant names
//! by address (`Tape::names`, with a small cache in front, `Tape::recent`), and struct
//! shapes (`Tape::shape_index`, `Tape::recent_shapes`).

use super::*;

impl Tape {
    pub(super) fn string(&mut self, s: &str) -> f64 {
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
    pub(super) fn name(&mut self, s: &'static str) -> f64 {
        let at = (s.as_ptr() as usize, s.len());
        let slot = slot_of(s, self.recent.len());
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

    /// The index of the shape of the keys from `from` on [`Tape::keys`] (added when new);
    /// takes those keys and the struct's slot off.
    pub(super) fn shape(&mut self, from: usize) -> u32 {
        let slot = self.slots.pop().unwrap_or(0);
        let keys = &self.keys[from..];
        if let Some(k) = self.recent_shapes[slot].checked_sub(1) {
            let (at, len) = self.shape_names[k as usize];
            // Field names are `&'static str`: the same address and length, the same key
            // (names equal at other addresses only miss this check).
            if len == keys.len()
                && keys
                    .iter()
                    .zip(&self.names_of_shapes[at..])
                    .all(|(a, b)| std::ptr::eq(*a, *b))
            {
                self.keys.truncate(from);
                return k;
            }
        }
        let k = self.lookup_shape(from);
        self.recent_shapes[slot] = k + 1;
        self.keys.truncate(from);
        k
    }

    /// [`Tape::shape`] by the keys' text (their string indices).
    #[inline(never)]
    pub(super) fn lookup_shape(&mut self, from: usize) -> u32 {
        let mut text = std::mem::take(&mut self.shape_text);
        text.clear();
        let start = self.shapes.len();
        self.shapes.push((self.keys.len() - from) as u32);
        for at in from..self.keys.len() {
            let k = self.name(self.keys[at]) as u32;
            self.shapes.push(k);
            // One char per byte (U+0000..U+00FF): one-to-one, which is all a key needs.
            text.extend(k.to_le_bytes().map(char::from));
        }
        let k = match self.shape_index.get(text.as_str()) {
            Some(&k) => {
                self.shapes.truncate(start);
                k
            }
            None => {
                let k = self.shape_index.len() as u32;
                self.shape_names
                    .push((self.names_of_shapes.len(), self.keys.len() - from));
                self.names_of_shapes.extend_from_slice(&self.keys[from..]);
                self.shape_index.insert(text.as_str().into(), k);
                k
            }
        };
        self.shape_text = text;
        k
    }
}

/// The slot of a `&'static str` in a cache of `slots` slots by address (`Tape::recent`,
/// `Tape::recent_shapes`).
pub(super) fn slot_of(s: &'static str, slots: usize) -> usize {
    (s.as_ptr() as usize ^ s.len()) % slots
}
