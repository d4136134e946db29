//! Emission: the [`Plan`] → the files of the generated client.
//!
//! Each file is built as a token tree with `quote!`, parsed into a `syn::File` and printed with
//! prettyplease (no rustfmt needed), behind a DO NOT EDIT header naming the command. Files are
//! rendered in parallel and collected into an ordered [`Output`], so the result is the same bytes
//! on every run.
//!
//! Layout of the output directory:
//!
//! ```text
//! Cargo.toml, src/lib.rs          facade crate `<name>`: a feature per scope, `events`, `full`
//! events/                         `<name>-events`: a module per event + the `Event` enum
//! scopes/<scope>/                 `<name>-<scope>`: a module per method-name segment
//! ```
//!
//! The fixed support code the generated items use (decoding helpers, the `macro_rules!` that
//! write their impls, the call and list surfaces) is real Rust in the runtime,
//! `b24_runtime::support`: the generated crates name it by path and hold none of it.

pub mod conformance;
pub mod crates;
pub mod docs;
pub mod events;
pub mod example;
pub mod items;
pub mod method;
pub mod output;
pub mod run;
pub mod shared;
pub mod unions;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use rayon::prelude::*;

pub use output::{Output, WriteStats, MARKER};

use crate::rust::plan::{ModPlan, Plan, ScopePlan};

/// How to emit.
#[derive(Debug, Clone)]
pub struct EmitOptions {
    /// The command line named in every file's header.
    pub command: String,
    /// Path of the `b24-runtime` crate relative to the output directory (or absolute).
    pub runtime_path: String,
    /// Give the facade a `[workspace]` table of its own (for output outside our workspace).
    pub workspace: bool,
}

/// A failure to print generated code: always a generator bug, reported with the file it hit.
#[derive(Debug, thiserror::Error)]
#[error("generated code for {path} does not parse: {source}")]
pub struct EmitError {
    pub path: String,
    #[source]
    pub source: syn::Error,
}

/// One file to render.
enum Job<'p, 'a> {
    FacadeLib,
    EventsLib,
    /// The events' shared types.
    EventsShared,
    /// An event module, by index in the plan.
    Event(usize),
    Module {
        /// Index of the scope in the plan.
        index: usize,
        scope: &'p ScopePlan<'a>,
        node: &'p ModPlan<'a>,
        root: bool,
    },
    /// A scope crate's shared types, by index of the scope in the plan.
    ScopeShared(usize),
}

/// The types the method modules of one scope crate share.
struct ScopeSharing<'p, 'a> {
    modules: Vec<shared::Module<'p, 'a>>,
    sharing: shared::Sharing,
    /// A method module (by address) → its index in `modules`.
    index: std::collections::HashMap<usize, usize>,
}

impl<'p, 'a> ScopeSharing<'p, 'a> {
    fn new(scope: &'p ScopePlan<'a>, lang: crate::ir::Lang) -> Self {
        fn walk<'p, 'a>(node: &'p ModPlan<'a>, out: &mut Vec<&'p ModPlan<'a>>) {
            if node.method.is_some() {
                out.push(node);
            }
            for c in &node.children {
                walk(c, out);
            }
        }
        let mut nodes = Vec::new();
        walk(&scope.root, &mut nodes);
        let mut modules = Vec::with_capacity(nodes.len());
        let mut index = std::collections::HashMap::new();
        for n in nodes {
            let Some(m) = &n.method else { continue };
            index.insert(n as *const ModPlan<'a> as usize, modules.len());
            modules.push(shared::Module {
                types: &m.types,
                base: method::link_base(&m.ir.sources, lang),
            });
        }
        let sharing = shared::find(&modules, &support_path(), &["Params", "Output", "Error"]);
        ScopeSharing {
            modules,
            sharing,
            index,
        }
    }

    /// The names a method module re-exports from the shared module.
    fn reexports(&self, node: &ModPlan<'_>) -> Option<&std::collections::BTreeSet<String>> {
        let i = self.index.get(&(node as *const ModPlan<'_> as usize))?;
        self.sharing.reexports.get(*i)
    }
}

/// CPU time spent per step of rendering, summed over threads (for `--timings`).
#[derive(Debug, Clone, Copy, Default)]
pub struct EmitProfile {
    /// Building token trees with `quote!`.
    pub tokens: f64,
    /// `syn::parse2` into a `syn::File`.
    pub parse: f64,
    /// `prettyplease::unparse`.
    pub print: f64,
}

/// Renders every file of the plan.
pub fn emit(plan: &Plan<'_>, opts: &EmitOptions) -> Result<Output, EmitError> {
    emit_profiled(plan, opts).map(|(o, _)| o)
}

/// [`emit`], also returning where the time went.
pub fn emit_profiled(
    plan: &Plan<'_>,
    opts: &EmitOptions,
) -> Result<(Output, EmitProfile), EmitError> {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Instant;
    let (t_tokens, t_parse, t_print) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let add = |a: &AtomicU64, since: Instant| {
        a.fetch_add(since.elapsed().as_nanos() as u64, Ordering::Relaxed);
    };
    let rs_header = format!(
        "// {MARKER} (`{}`). Edit the generator or the docs instead.\n",
        opts.command
    );
    let toml_header = format!(
        "# {MARKER} (`{}`). Edit the generator or the docs instead.\n",
        opts.command
    );
    let mut out = Output::default();

    out.insert(
        "Cargo.toml",
        crates::facade_manifest(&toml_header, plan, opts),
    );
    out.insert(
        format!("{}/Cargo.toml", plan.events_crate.dir),
        crates::events_manifest(&toml_header, plan, opts),
    );
    for s in &plan.scopes {
        out.insert(
            format!("{}/Cargo.toml", s.names.dir),
            crates::scope_manifest(&toml_header, plan, s, opts),
        );
    }

    let mut jobs: Vec<(String, Job<'_, '_>)> = vec![
        ("src/lib.rs".to_owned(), Job::FacadeLib),
        (
            format!("{}/src/lib.rs", plan.events_crate.dir),
            Job::EventsLib,
        ),
    ];
    for (i, e) in plan.events.iter().enumerate() {
        jobs.push((
            format!(
                "{}/src/{}.rs",
                plan.events_crate.dir,
                crate::rust::naming::unraw(&e.module)
            ),
            Job::Event(i),
        ));
    }
    let event_modules = events::modules(plan);
    let sharing = shared::find(&event_modules, &support_path(), &[]);
    if !sharing.is_empty() {
        jobs.push((
            format!(
                "{}/src/{}.rs",
                plan.events_crate.dir,
                crate::rust::plan::SHARED_MODULE
            ),
            Job::EventsShared,
        ));
    }
    let events = EventsCtx {
        modules: &event_modules,
        sharing: &sharing,
    };
    let scope_sharing: Vec<ScopeSharing<'_, '_>> = plan
        .scopes
        .par_iter()
        .map(|s| ScopeSharing::new(s, plan.options.lang))
        .collect();
    for (i, s) in plan.scopes.iter().enumerate() {
        if !scope_sharing[i].sharing.is_empty() {
            jobs.push((
                format!(
                    "{}/src/{}.rs",
                    s.names.dir,
                    crate::rust::plan::SHARED_MODULE
                ),
                Job::ScopeShared(i),
            ));
        }
        collect_modules(
            i,
            s,
            &s.root,
            &format!("{}/src", s.names.dir),
            true,
            &mut jobs,
        );
    }

    let rendered: Vec<Result<(String, String), EmitError>> = jobs
        .into_par_iter()
        .map(|(path, job)| {
            let err = |source| EmitError {
                path: path.clone(),
                source,
            };
            let start = Instant::now();
            let docs = docs::DocTable::default();
            let tokens = render(plan, &job, events, &scope_sharing, &docs).map_err(err)?;
            // The workspace's `cargo fmt` must leave generated files as prettyplease wrote them.
            let tokens = quote::quote!(#![cfg_attr(rustfmt, rustfmt::skip)] #tokens);
            add(&t_tokens, start);
            let start = Instant::now();
            let file: syn::File = syn::parse2(tokens).map_err(err)?;
            add(&t_parse, start);
            let start = Instant::now();
            let text = format!(
                "{rs_header}\n{}",
                docs.expand(&prettyplease::unparse(&file))
            );
            add(&t_print, start);
            Ok((path, text))
        })
        .collect();
    for r in rendered {
        let (path, text) = r?;
        out.insert(path, text);
    }
    let secs = |a: &AtomicU64| a.load(Ordering::Relaxed) as f64 / 1e9;
    let profile = EmitProfile {
        tokens: secs(&t_tokens),
        parse: secs(&t_parse),
        print: secs(&t_print),
    };
    Ok((out, profile))
}

fn collect_modules<'p, 'a>(
    index: usize,
    scope: &'p ScopePlan<'a>,
    node: &'p ModPlan<'a>,
    dir_or_file: &str,
    root: bool,
    jobs: &mut Vec<(String, Job<'p, 'a>)>,
) {
    // The root is `src/lib.rs`; a module `a` is `src/a.rs` with children in `src/a/`.
    let (file, child_dir) = if root {
        (format!("{dir_or_file}/lib.rs"), dir_or_file.to_owned())
    } else {
        (format!("{dir_or_file}.rs"), dir_or_file.to_owned())
    };
    jobs.push((
        file,
        Job::Module {
            index,
            scope,
            node,
            root,
        },
    ));
    for c in &node.children {
        let p = format!("{child_dir}/{}", crate::rust::naming::unraw(&c.ident));
        collect_modules(index, scope, c, &p, false, jobs);
    }
}

/// The root of the support paths generated code names.
pub fn support_path() -> TokenStream {
    quote::quote!(::b24_runtime::support)
}

/// What the events crate's files share.
#[derive(Clone, Copy)]
struct EventsCtx<'x, 'p, 'a> {
    modules: &'x [shared::Module<'p, 'a>],
    sharing: &'x shared::Sharing,
}

fn render(
    plan: &Plan<'_>,
    job: &Job<'_, '_>,
    ev: EventsCtx<'_, '_, '_>,
    scopes: &[ScopeSharing<'_, '_>],
    docs: &docs::DocTable,
) -> Result<TokenStream, syn::Error> {
    let lang = plan.options.lang;
    let core = support_path();
    Ok(match job {
        Job::FacadeLib => crates::facade_lib(plan, docs),
        Job::EventsLib => events::events_lib(
            &plan.events,
            lang,
            &crates::lints(),
            !ev.sharing.is_empty(),
            docs,
        ),
        Job::EventsShared => events::shared_module(ev.sharing, ev.modules, &core, docs),
        Job::Event(i) => events::event_module(
            &plan.events[*i],
            lang,
            &core,
            &ev.sharing.reexports[*i],
            docs,
        ),
        Job::Module {
            index,
            scope,
            node,
            root,
        } => {
            let sh = &scopes[*index];
            let shared = crates::Shared {
                module: !sh.sharing.is_empty(),
                reexports: sh.reexports(node),
            };
            crates::module_file(plan, scope, node, *root, shared, docs)
        }
        Job::ScopeShared(i) => {
            let sh = &scopes[*i];
            crates::shared_module(&sh.sharing, &sh.modules, &core, docs)
        }
    })
}

/// The untyped spots of the emitted client: the plan's ([`crate::rust::Stats::untyped`]) less
/// those of the structs a module re-exports from its crate's shared module instead of
/// defining (each shared definition counts once). Returns (unstructured objects, other
/// values, by cause).
pub fn emitted_untyped(plan: &Plan<'_>) -> (usize, usize, BTreeMap<String, usize>) {
    let st = &plan.stats;
    let mut objects = st.unstructured_objects;
    let mut values = st.untyped_values;
    let mut causes = st.untyped.clone();
    let mut drop = |modules: &[shared::Module<'_, '_>], sharing: &shared::Sharing| {
        for (m, names) in modules.iter().zip(&sharing.reexports) {
            for s in m.types.structs.iter().filter(|s| names.contains(&s.name)) {
                for (object, cause) in &s.untyped {
                    if *object {
                        objects -= 1;
                    } else {
                        values -= 1;
                    }
                    if let Some(n) = causes.get_mut(cause) {
                        *n -= 1;
                    }
                }
            }
        }
        // The kept copy is counted once again.
        for (name, &m) in &sharing.items {
            if let Some(s) = modules[m].types.structs.iter().find(|s| &s.name == name) {
                for (object, cause) in &s.untyped {
                    if *object {
                        objects += 1;
                    } else {
                        values += 1;
                    }
                    *causes.entry(cause.clone()).or_default() += 1;
                }
            }
        }
    };
    let event_modules = events::modules(plan);
    drop(
        &event_modules,
        &shared::find(&event_modules, &support_path(), &[]),
    );
    for s in &plan.scopes {
        let sh = ScopeSharing::new(s, plan.options.lang);
        drop(&sh.modules, &sh.sharing);
    }
    causes.retain(|_, n| *n > 0);
    (objects, values, causes)
}

/// Plans and emits in one go; also returns the plan's counts.
pub fn generate(
    ir: &crate::ir::Ir,
    plan_options: &crate::rust::PlanOptions,
    opts: &EmitOptions,
) -> Result<(Output, crate::rust::Stats), EmitError> {
    let plan = crate::rust::plan(ir, plan_options);
    let out = emit(&plan, opts)?;
    Ok((out, plan.stats))
}
