//! Lenient decoding of Bitrix24's wire quirks, in one place.
//!
//! Bitrix24 answers with numbers as strings (`"ID": "123"`), booleans as `"Y"`/`"N"`, `""` or `[]`
//! where an object or value is empty, and `false` where a value is absent. The generated structs use
//! the helpers here on their fields:
//!
//! ```
//! use b24_runtime::wire::YesNo;
//!
//! #[derive(serde::Deserialize)]
//! struct Deal {
//!     #[serde(rename = "ID", default, deserialize_with = "b24_runtime::wire::opt_i64")]
//!     id: Option<i64>,
//!     #[serde(rename = "OPENED", default, deserialize_with = "b24_runtime::wire::opt_yes_no")]
//!     opened: Option<YesNo>,
//!     #[serde(rename = "COMPANY_ID", default, deserialize_with = "b24_runtime::wire::opt_i64")]
//!     company_id: Option<i64>,
//! }
//!
//! let d: Deal = serde_json::from_str(r#"{"ID":"123","OPENED":"Y","COMPANY_ID":""}"#).unwrap();
//! assert_eq!((d.id, d.opened, d.company_id), (Some(123), Some(YesNo::Y), None));
//! ```
//!
//! The `opt_*` helpers map missing, `null`, `""`, `false`, `[]` and `{}` to `None` (the boolean
//! ones keep `false` as a value). The required variants ([`i64()`], [`f64()`], [`bool()`],
//! [`string()`]) accept the same spellings and fail when the value is empty or invalid.

mod date;
mod file;
mod from_wire;
mod lenient;
mod lenient_scalar;
mod object;
mod yes_no;

pub use date::{Date, DateTime, ParseDateError};
pub use file::{File, FileForm};
pub use from_wire::{FromWire, ListOf};
pub use lenient::{
    bool, f64, i64, opt_bool, opt_date, opt_datetime, opt_f64, opt_i64, opt_string, opt_unix_time,
    opt_value, opt_vec, opt_yes_no, string,
};
pub use lenient_scalar::Lenient;
pub use object::Object;
pub use yes_no::YesNo;

/// An [`Object`] from its entries, in order (`filter`, `order`, `extra` fields):
///
/// ```
/// let filter = b24_runtime::wire::object([(">OPPORTUNITY", 1000), ("<OPPORTUNITY", 5000)]);
/// assert_eq!(serde_json::to_string(&filter).unwrap(), r#"{">OPPORTUNITY":1000,"<OPPORTUNITY":5000}"#);
/// ```
pub fn object<K, V>(entries: impl IntoIterator<Item = (K, V)>) -> Object
where
    K: Into<String>,
    V: Into<serde_json::Value>,
{
    entries.into_iter().collect()
}
