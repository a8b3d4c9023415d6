//! A column of short texts — a panel's unit ids — held as one buffer and where each ends:
//! a million ids of seven characters are 15 MB, not a `String` each (24 bytes and an
//! allocation a row: 56 MB resident).

use std::fmt;
use std::ops::Index;

/// Texts in a row, read by position ([`get`](Self::get), `ids[k]`) or in order
/// ([`iter`](Self::iter)).
///
/// ```
/// use dti_core::io::Ids;
/// let mut ids: Ids = ["HNI", "HCM"].into_iter().collect();
/// ids.push("DNG");
/// assert_eq!(ids.len(), 3);
/// assert_eq!(&ids[1], "HCM");
/// assert_eq!(ids.get(3), None);
/// assert_eq!(ids, ["HNI", "HCM", "DNG"]);
/// assert_eq!(ids.iter().rev().next(), Some("DNG"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Ids {
    /// Every text, one after the other.
    text: String,
    /// Where each text ends in `text` (it starts where the one before ends).
    ends: Vec<usize>,
}

impl Ids {
    /// No texts, room for `rows` of them and `bytes` of text.
    pub fn with_capacity(rows: usize, bytes: usize) -> Ids {
        Ids {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(rows),
        }
    }

    /// Adds a text at the end.
    pub fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    /// How many texts.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Text `k`, if there is one.
    pub fn get(&self, k: usize) -> Option<&str> {
        let end = *self.ends.get(k)?;
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        self.text.get(start..end)
    }

    /// The texts in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            ids: self,
            front: 0,
            back: self.len(),
        }
    }

    /// The texts of `parts`, one part after the other.
    pub fn concat(parts: Vec<Ids>) -> Ids {
        let mut all = Ids::with_capacity(
            parts.iter().map(Ids::len).sum(),
            parts.iter().map(|p| p.text.len()).sum(),
        );
        for p in parts {
            let shift = all.text.len();
            all.text.push_str(&p.text);
            all.ends.extend(p.ends.iter().map(|e| e + shift));
        }
        all
    }
}

impl Index<usize> for Ids {
    type Output = str;

    /// Text `k`; panics past the end, as a slice does.
    fn index(&self, k: usize) -> &str {
        match self.get(k) {
            Some(id) => id,
            None => panic!("id {k} of {}", self.len()),
        }
    }
}

impl<S: AsRef<str>> FromIterator<S> for Ids {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Ids {
        let mut ids = Ids::default();
        ids.extend(iter);
        ids
    }
}

impl<S: AsRef<str>> Extend<S> for Ids {
    fn extend<I: IntoIterator<Item = S>>(&mut self, iter: I) {
        for id in iter {
            self.push(id.as_ref());
        }
    }
}

impl fmt::Debug for Ids {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for Ids {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Ids {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for Ids {
    fn eq(&self, other: &Vec<S>) -> bool {
        *self == other[..]
    }
}

/// The texts of [`Ids`] in order (from either end).
#[derive(Clone)]
pub struct Iter<'a> {
    ids: &'a Ids,
    front: usize,
    back: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.front == self.back {
            return None;
        }
        self.front += 1;
        self.ids.get(self.front - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        self.ids.get(self.back)
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Ids {
    type Item = &'a str;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Empty and multi-byte texts keep their bounds; pieces joined keep every text in
    /// order; reading from both ends meets in the middle.
    #[test]
    fn texts_keep_their_bounds_joined_and_read_from_both_ends() {
        let a: Ids = ["Hà Nội", "", "Huế"].into_iter().collect();
        let b: Ids = ["", "TP. Hồ Chí Minh"].into_iter().collect();
        let all = Ids::concat(vec![a.clone(), Ids::default(), b]);
        assert_eq!(all, ["Hà Nội", "", "Huế", "", "TP. Hồ Chí Minh"]);
        assert_eq!(all.get(4), Some("TP. Hồ Chí Minh"));
        assert_eq!(all.get(5), None);
        assert_eq!(&all[1], "");
        let mut it = all.iter();
        assert_eq!(it.len(), 5);
        assert_eq!(
            (it.next(), it.next_back()),
            (Some("Hà Nội"), Some("TP. Hồ Chí Minh"))
        );
        assert_eq!(it.clone().rev().collect::<Vec<_>>(), ["", "Huế", ""]);
        assert_eq!(it.collect::<Vec<_>>(), ["", "Huế", ""]);
        assert_eq!(format!("{a:?}"), r#"["Hà Nội", "", "Huế"]"#);
        assert_ne!(a, ["Hà Nội", ""]);
        assert!(Ids::default().is_empty());
    }
}
