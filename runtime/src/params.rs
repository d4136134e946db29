//! Params as the runtime handles them between serialization and the wire: an object whose
//! top-level entries keep their order and whose values stay JSON text. Paging sets `start`,
//! the fast traversal sets `filter`/`order`, a batch turns them into a query string, without
//! building a `serde_json::Value` (and so without depending on `serde_json/preserve_order` for
//! the order of `order: {"DATE_CREATE": "DESC", "ID": "ASC"}`).

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;
use std::fmt;

/// A JSON object: its entries in order, their values as text.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawObject {
    entries: Vec<(String, Box<RawValue>)>,
}

impl RawObject {
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| &**v)
    }

    /// Sets `key` (in place when present, at the end otherwise).
    pub fn set(&mut self, key: &str, value: Box<RawValue>) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => self.entries.push((key.to_owned(), value)),
        }
    }

    /// Sets `key` to `value` serialized.
    pub fn set_json<T: Serialize + ?Sized>(
        &mut self,
        key: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        self.set(key, serde_json::value::to_raw_value(value)?);
        Ok(())
    }

    pub fn remove(&mut self, key: &str) -> Option<Box<RawValue>> {
        let i = self.entries.iter().position(|(k, _)| k == key)?;
        Some(self.entries.remove(i).1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), &**v))
    }

    /// Sets `value` at `path`, creating (or replacing non-object values by) objects on the way.
    pub fn set_path(&mut self, path: &[&str], value: &Value) -> Result<(), serde_json::Error> {
        match path {
            [] => Ok(()),
            [last] => self.set_json(last, value),
            [first, rest @ ..] => {
                let mut inner = self
                    .get(first)
                    .and_then(|raw| serde_json::from_str::<RawObject>(raw.get()).ok())
                    .unwrap_or_default();
                inner.set_path(rest, value)?;
                self.set_json(first, &inner)
            }
        }
    }
}

impl Serialize for RawObject {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for RawObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject, A::Error> {
                let mut o = RawObject::default();
                while let Some((k, v)) = map.next_entry::<String, Box<RawValue>>()? {
                    o.set(&k, v);
                }
                Ok(o)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::RawObject;
    use serde_json::json;

    #[test]
    fn keeps_order_and_sets_paths() {
        let mut o: RawObject =
            serde_json::from_str(r#"{"order":{"Z":"DESC","A":"ASC"},"start":0}"#).unwrap();
        o.set_json("start", &50).unwrap();
        o.set_path(&["fields", "COMPANY_ID"], &json!("$result[a]"))
            .unwrap();
        o.set_path(&["order", "M"], &json!("ASC")).unwrap();
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            r#"{"order":{"Z":"DESC","A":"ASC","M":"ASC"},"start":50,"fields":{"COMPANY_ID":"$result[a]"}}"#
        );
        assert_eq!(o.remove("start").unwrap().get(), "50");
        assert!(o.get("start").is_none());
    }
}
