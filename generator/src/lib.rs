//! b24gen: reads the Bitrix24 REST reference (EN + RU) into a method IR and
//! emits a typed Rust client from it.
//!
//! Pipeline, one module per stage:
//! `source` (find pages, language, includes) → `yfm` (YFM directives and
//! `#|…|#` tables) → `page` (sections, tables, code blocks) → `extract`
//! (page → IR) → `merge` (EN + RU) → [`ir`].
pub mod diff;
pub mod ir;
