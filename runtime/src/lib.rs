//! b24-runtime: the hand-written runtime of the generated Bitrix24 client.
pub mod method;
pub mod wire;

pub use method::{Method, MethodError, RestVersion};
