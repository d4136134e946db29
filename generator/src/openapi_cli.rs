//! `b24gen openapi`: the documented API as one OpenAPI 3.1 document (JSON, or YAML).

use std::path::PathBuf;

use b24gen::ir::Lang;
use b24gen::openapi::{document, Options};
use clap::{Args, ValueEnum};

#[derive(Args)]
pub struct OpenapiArgs {
    /// A docs checkout (has `api-reference/`) or a folder of pages; repeatable.
    #[arg(long = "docs", default_value = "docs-src")]
    docs: Vec<PathBuf>,
    /// Read this IR JSON (from `b24gen ir`) instead of the docs.
    #[arg(long, value_name = "FILE")]
    ir: Option<PathBuf>,
    /// Output file (default: stdout).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Language of the descriptions and examples.
    #[arg(long, value_enum, default_value = "en")]
    lang: CliLang,
    /// Only the methods of this scope (`crm`, `tasks`…); repeatable.
    #[arg(long = "scope", value_name = "S")]
    scopes: Vec<String>,
    /// Write YAML instead of JSON.
    #[arg(long)]
    yaml: bool,
    /// Only the REST 3 methods, as OpenAPI 3.0 (the form a portal's `rest.documentation.openapi`
    /// answers with).
    #[arg(long, conflicts_with = "scopes")]
    rest3_v30: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum CliLang {
    En,
    Ru,
}

pub fn run(args: OpenapiArgs) -> Result<(), String> {
    let ir = match &args.ir {
        Some(file) => b24gen::diff::load_side("IR", std::slice::from_ref(file), b24gen::read_docs)
            .map_err(|e| e.to_string())?,
        None => b24gen::read_docs(&args.docs),
    };
    let opts = Options {
        lang: match args.lang {
            CliLang::En => Lang::En,
            CliLang::Ru => Lang::Ru,
        },
        scopes: args.scopes,
        ..Options::default()
    };
    let doc = if args.rest3_v30 {
        b24gen::openapi::v30::rest3(&ir, opts.lang)
    } else {
        document(&ir, &opts)
    };
    let paths = doc["paths"].as_object().map_or(0, |p| p.len());
    if paths == 0 {
        return Err("no method to export (check --docs and --scope)".to_owned());
    }
    if args.yaml {
        let text = serde_yaml::to_string(&doc).map_err(|e| format!("cannot write YAML: {e}"))?;
        super::write_out(args.out.as_ref(), &text)?;
    } else {
        super::write_json(args.out.as_ref(), &doc)?;
    }
    eprintln!("openapi: {paths} operations");
    Ok(())
}
