//! Where a list method's rows are, and whether the fast traversal applies: the list surface of
//! a paginated method (`Listed`, `FastListed` in the runtime).
//!
//! - The rows: `result` itself when it is a list (`Vec<Item>`), else the one list field of the
//!   `Output` struct (`{"items": […]}` of `crm.item.list`, `{"tasks": […]}`). A result with no
//!   list, or with several, has pages but no rows.
//! - The fast traversal (filter `>ID`, order by ID, 50 pages per batch) needs REST 2 (batch), an
//!   integer or string `ID`/`id` field on the rows, and `filter` and `order` params.

use super::plan::{MethodPlan, OutputPlan, StructPlan};
use super::{Dir, Ty};

/// The list surface of one paginated method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPlan {
    /// The type of one row.
    pub row: Ty,
    /// The `Output` field that holds the rows: (Rust ident, wire name); `None` when `result` is
    /// the list.
    pub field: Option<(String, String)>,
    /// The rows' ID field (wire name), when the fast traversal applies.
    pub fast_id: Option<String>,
}

fn struct_named<'p, 'a>(mp: &'p MethodPlan<'a>, name: &str) -> Option<&'p StructPlan<'a>> {
    mp.types.structs.iter().find(|s| s.name == name)
}

/// The rows of `mp`, when it is paginated and its result holds them.
pub fn list_plan(mp: &MethodPlan<'_>) -> Option<ListPlan> {
    let m = mp.ir;
    if !m.paginated {
        return None;
    }
    let nullable = m.result.as_ref().is_some_and(|r| r.nullable);
    let (row, field) = match &mp.output {
        OutputPlan::Alias(Ty::Vec(inner)) if !nullable => ((**inner).clone(), None),
        OutputPlan::Alias(_) => return None,
        OutputPlan::Struct => {
            let output = struct_named(mp, "Output")?;
            let mut lists = output.fields.iter().filter_map(|f| match &f.ty {
                Ty::Vec(inner) => Some((f, inner)),
                _ => None,
            });
            let (f, inner) = lists.next()?;
            if lists.next().is_some() {
                return None;
            }
            (
                (**inner).clone(),
                Some((f.ident.clone(), f.ir.name.clone())),
            )
        }
    };
    let fast_id = fast_id(mp, &row);
    Some(ListPlan {
        row,
        field,
        fast_id,
    })
}

fn fast_id(mp: &MethodPlan<'_>, row: &Ty) -> Option<String> {
    if mp.ir.rest_version == 3 {
        return None;
    }
    let params = mp
        .types
        .structs
        .iter()
        .find(|s| s.dir == Dir::Params && s.name == "Params")?;
    let has = |name: &str| params.fields.iter().any(|f| f.ir.name == name);
    if !(has("filter") && has("order")) {
        return None;
    }
    let Ty::Struct(name) = row else {
        return None;
    };
    let row = struct_named(mp, name)?;
    ["ID", "id"]
        .into_iter()
        .find(|id| {
            row.fields
                .iter()
                .any(|f| f.ir.name == *id && matches!(f.ty, Ty::I64 | Ty::Str))
        })
        .map(str::to_owned)
}
