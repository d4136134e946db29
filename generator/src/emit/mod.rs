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
//! core/                           `<name>-core`: shared helpers, macros, `SystemError`
//! events/                         `<name>-events`: a module per event + the `Event` enum
//! scopes/<scope>/                 `<name>-<scope>`: a module per method-name segment
//! ```

pub mod core_template;
pub mod crates;
pub mod docs;
pub mod events;
pub mod items;
pub mod method;
pub mod output;
pub mod run;

use proc_macro2::TokenStream;
use rayon::prelude::*;

pub use output::{Output, WriteStats, MARKER};

use crate::rust::plan::{EventPlan, ModPlan, Plan, ScopePlan};

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
    CoreLib,
    EventsLib,
    Event(&'p EventPlan<'a>),
    Module {
        scope: &'p ScopePlan<'a>,
        node: &'p ModPlan<'a>,
        root: bool,
    },
}

/// Renders every file of the plan.
pub fn emit(plan: &Plan<'_>, opts: &EmitOptions) -> Result<Output, EmitError> {
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
        format!("{}/Cargo.toml", plan.core.dir),
        crates::core_manifest(&toml_header, plan, opts),
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
        (format!("{}/src/lib.rs", plan.core.dir), Job::CoreLib),
        (
            format!("{}/src/lib.rs", plan.events_crate.dir),
            Job::EventsLib,
        ),
    ];
    for e in &plan.events {
        jobs.push((
            format!(
                "{}/src/{}.rs",
                plan.events_crate.dir,
                crate::rust::naming::unraw(&e.module)
            ),
            Job::Event(e),
        ));
    }
    for s in &plan.scopes {
        collect_modules(s, &s.root, &format!("{}/src", s.names.dir), true, &mut jobs);
    }

    let rendered: Vec<Result<(String, String), EmitError>> = jobs
        .into_par_iter()
        .map(|(path, job)| {
            let tokens = render(plan, &job).map_err(|source| EmitError {
                path: path.clone(),
                source,
            })?;
            let text = format_file(&rs_header, tokens).map_err(|source| EmitError {
                path: path.clone(),
                source,
            })?;
            Ok((path, text))
        })
        .collect();
    for r in rendered {
        let (path, text) = r?;
        out.insert(path, text);
    }
    Ok(out)
}

fn collect_modules<'p, 'a>(
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
    jobs.push((file, Job::Module { scope, node, root }));
    for c in &node.children {
        let p = format!("{child_dir}/{}", crate::rust::naming::unraw(&c.ident));
        collect_modules(scope, c, &p, false, jobs);
    }
}

fn render(plan: &Plan<'_>, job: &Job<'_, '_>) -> Result<TokenStream, syn::Error> {
    let lang = plan.options.lang;
    let core = items::ident(&plan.core.lib);
    Ok(match job {
        Job::FacadeLib => crates::facade_lib(plan),
        Job::CoreLib => crates::core_lib(plan)?,
        Job::EventsLib => events::events_lib(&plan.events, lang, &crates::lints()),
        Job::Event(e) => events::event_module(e, lang, &core),
        Job::Module { scope, node, root } => crates::module_file(plan, scope, node, *root),
    })
}

/// Parses and pretty-prints one file behind the header.
fn format_file(header: &str, tokens: TokenStream) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(tokens)?;
    let body = prettyplease::unparse(&file);
    Ok(format!("{header}\n{body}"))
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
