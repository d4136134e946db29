//! [`Object`]: a JSON object that keeps its keys in insertion order, whatever features
//! `serde_json` is built with (the order of `order: {"DATE_CREATE": "DESC", "ID": "ASC"}`
//! carries meaning, and the runtime does not switch `serde_json/preserve_order` on for the
//! whole program).

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use std::fmt;

/// An unstructured JSON object (fields the docs do not describe, `filter`, `order`), in
/// insertion order. Lookups are linear: these objects have a handful of keys.
///
/// Its values are [`serde_json::Value`]s: an object nested in one follows `serde_json`'s own
/// order (sorted unless `preserve_order` is on); nest `Object`s through
/// `Value::from(object)` only where order does not matter, or build the text yourself.
#[derive(Clone, Default, PartialEq)]
pub struct Object {
    entries: Vec<(String, Value)>,
}

impl Object {
    pub fn new() -> Self {
        Object::default()
    }

    /// Sets `key` (in place when present, at the end otherwise); returns the old value.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => Some(std::mem::replace(v, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// Appends an entry without looking for `key` first (decoding: an answer's keys are
    /// distinct, and a repeated one is kept, as the answer sent it).
    pub(crate) fn push(&mut self, key: String, value: Value) {
        self.entries.push((key, value));
    }

    /// The value of `key` read as `T`, as leniently as the generated fields read theirs
    /// (`"42"` is `42`, `"Y"` is [`YesNo::Y`](super::YesNo), `""`/`null` are `None`):
    /// `output.extra.get_as::<i64>("UF_CRM_1720019876534")`. `Ok(None)` when the key is
    /// absent or empty; an error names what was expected.
    pub fn get_as<T: super::FromWire>(&self, key: &str) -> Result<Option<T>, serde_json::Error> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => T::from_wire(v),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Removes `key`, keeping the order of the rest.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Object {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut o = Object::new();
        o.extend(iter);
        o
    }
}

impl<K: Into<String>, V: Into<Value>> Extend<(K, V)> for Object {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k.into(), v.into());
        }
    }
}

impl IntoIterator for Object {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a String, &'a Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl From<serde_json::Map<String, Value>> for Object {
    fn from(map: serde_json::Map<String, Value>) -> Self {
        map.into_iter().collect()
    }
}

/// A `Value::Object` (in `serde_json`'s own order).
impl From<Object> for Value {
    fn from(o: Object) -> Value {
        Value::Object(o.entries.into_iter().collect())
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Object;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
                let mut o = Object::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    o.insert(k, v);
                }
                Ok(o)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::Object;
    use serde_json::json;

    #[test]
    fn keeps_insertion_order() {
        let mut o: Object = [("Z", 1), ("A", 2)].into_iter().collect();
        o.insert("M".into(), json!(3));
        assert_eq!(o.insert("Z".into(), json!(9)), Some(json!(1)));
        assert_eq!(serde_json::to_string(&o).unwrap(), r#"{"Z":9,"A":2,"M":3}"#);
        assert_eq!(o.remove("A"), Some(json!(2)));
        assert_eq!(o.keys().collect::<Vec<_>>(), ["Z", "M"]);
        let back: Object = serde_json::from_str(r#"{"b":1,"a":{"y":1,"x":2}}"#).unwrap();
        assert_eq!(back.keys().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(back.get("a").unwrap()["x"], 2);
    }
}
