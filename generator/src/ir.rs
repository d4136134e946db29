//! The method IR: its types live in the `b24-ir` crate, so that tools beside the generator
//! (the `b24-mock` portal) read the same IR without depending on the generator.
pub use b24_ir::*;

/// A field of `kind` with no type token, for unit tests.
#[cfg(test)]
pub(crate) fn test_field(name: &str, kind: Kind, required: bool) -> Field {
    Field {
        name: name.into(),
        required,
        ty: Type::new("", kind),
        ..Field::default()
    }
}
