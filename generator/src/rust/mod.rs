//! Rust naming and type mapping: an annotation layer over the IR (the IR stays language-neutral).
//!
//! [`plan()`] turns an [`Ir`](crate::ir::Ir) into a [`Plan`]: crates, module paths, identifiers
//! and Rust types for every method, event and error code. The emitter only prints the plan.
pub mod lists;
pub mod naming;
pub mod plan;
pub mod policy;
pub mod types;
pub mod unions;

pub use plan::{plan, Dir, Plan, PlanOptions, Stats};
pub use policy::ReadOnlyPolicy;
pub use types::Ty;

/// The counts of the Rust plan of `ir` (for `report`: methods, structs, enums, objects left
/// unstructured as `serde_json::Value`, placeholder rows…). Naming does not affect them.
pub fn stats(ir: &crate::ir::Ir) -> Stats {
    plan::plan(
        ir,
        &PlanOptions {
            crate_name: "bitrix24".into(),
            lang: crate::ir::Lang::En,
        },
    )
    .stats
}
