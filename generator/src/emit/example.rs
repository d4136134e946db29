//! The `no_run` examples of the crate docs: one call of a real method of the crate, with its
//! typed error matched and, for a list method, its rows streamed. They are doctests, so every
//! generated crate's docs show code that compiles.

use crate::rust::lists::list_plan;
use crate::rust::naming::unraw;
use crate::rust::plan::{MethodPlan, ModPlan, ScopePlan};
use crate::rust::Ty;

/// The method an example shows, and its module path in the scope crate.
pub struct Pick<'p, 'a> {
    pub path: Vec<String>,
    pub method: &'p MethodPlan<'a>,
    /// The literal arguments of `Params::new(…)`.
    pub args: Vec<&'static str>,
}

/// A literal a required param of this type accepts through `impl Into<T>`.
fn literal(ty: &Ty) -> Option<&'static str> {
    Some(match ty {
        Ty::I64 => "1",
        Ty::F64 => "1.0",
        Ty::Bool => "true",
        Ty::Str | Ty::Value => "\"1\"",
        _ => return None,
    })
}

fn args(mp: &MethodPlan<'_>) -> Option<Vec<&'static str>> {
    let params = mp.types.structs.iter().find(|s| s.name == "Params")?;
    params
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| literal(&f.ty))
        .collect()
}

fn walk<'p, 'a>(node: &'p ModPlan<'a>, path: &mut Vec<String>, out: &mut Vec<Pick<'p, 'a>>) {
    if let Some(m) = &node.method {
        if let Some(args) = args(m).filter(|_| !m.ir.deprecated) {
            out.push(Pick {
                path: path.clone(),
                method: m,
                args,
            });
        }
    }
    for c in &node.children {
        path.push(c.ident.clone());
        walk(c, path, out);
        path.pop();
    }
}

/// The method a scope's example shows: a list method with rows and no required params first,
/// then any method without required params, then one whose required params take literals.
pub fn pick<'p, 'a>(scope: &'p ScopePlan<'a>) -> Option<Pick<'p, 'a>> {
    let mut all = Vec::new();
    walk(&scope.root, &mut Vec::new(), &mut all);
    let rank = |p: &Pick<'_, '_>| {
        let listed = list_plan(p.method).is_some();
        match (listed, p.args.is_empty()) {
            (true, true) => 0,
            (false, true) => 1,
            (true, false) => 2,
            (false, false) => 3,
        }
    };
    all.into_iter().min_by_key(rank)
}

/// Paths the example's code names.
pub struct Paths<'s> {
    /// The runtime (`b24_runtime`, or `bitrix24::runtime` through the facade).
    pub runtime: &'s str,
    /// The scope crate (`bitrix24_crm`, or `bitrix24::crm`).
    pub scope: &'s str,
}

/// The example's markdown (a `no_run` doctest); `cfg` guards it (a facade feature).
pub fn doc(p: &Pick<'_, '_>, paths: Paths<'_>, cfg: Option<&str>) -> String {
    let m = p.method;
    let module: Vec<String> = p.path.iter().map(|s| unraw(s).to_owned()).collect();
    let last = p.path.last().map(String::as_str).unwrap_or("m");
    let mut path = vec![paths.scope.to_owned()];
    path.extend(p.path.iter().cloned());
    let new = format!("{last}::Params::new({})", p.args.join(", "));
    let error =
        match m.errors.first() {
            Some(v) => format!(
            "    Err(Error::Api({last}::Error::{}(e))) => println!(\"{}: {{}}\", e.description),\n",
            v.ident,
            if v.code.is_empty() { "(empty code)" } else { v.code }
        ),
            None => String::new(),
        };
    let listed = list_plan(m).is_some();
    let stream = if listed {
        format!(
            "\n// Every row, page by page (`.fast(&client)` where the rows have an ID the portal\n\
             // filters and orders by).\nlet rows = {new}.stream(&client).collect_all().await?;\n\
             println!(\"{{}} rows\", rows.len());\n"
        )
    } else {
        String::new()
    };
    let guard = cfg
        .map(|f| format!("# #[cfg(feature = \"{f}\")]\n"))
        .unwrap_or_default();
    format!(
        "`{name}` ({module}):\n\n\
         ```no_run\n\
         {guard}# async fn example() -> Result<(), Box<dyn std::error::Error>> {{\n\
         use {runtime}::{{Client, Error}};\n\
         use {path};\n\n\
         let client = Client::webhook(\"https://example.bitrix24.com/rest/1/your-webhook-code/\")?;\n\
         match {new}.send(&client).await {{\n\
         \x20   Ok(answer) => println!(\"{{:?}}\", answer.result),\n\
         {error}\
         \x20   Err(Error::Api(e)) => println!(\"the portal refused: {{e}}\"),\n\
         \x20   Err(e) => return Err(e.into()),\n\
         }}\n\
         {stream}\
         # Ok(())\n\
         # }}\n\
         ```",
        name = m.ir.name,
        module = module.join("::"),
        runtime = paths.runtime,
        path = path.join("::"),
    )
}
