//! `b24gen mock`: a Bitrix24 portal built from the docs (or an IR file), served until Ctrl-C.

use std::net::IpAddr;
use std::path::PathBuf;

use b24_mock::{Limits, MockPortal, Mode};
use clap::{Args, ValueEnum};

#[derive(Args)]
pub struct MockArgs {
    /// A docs checkout (has `api-reference/`) or a folder of pages; repeatable.
    #[arg(long = "docs", default_value = "docs-src")]
    docs: Vec<PathBuf>,
    /// Read this IR JSON (from `b24gen ir`) instead of the docs.
    #[arg(long, value_name = "FILE")]
    ir: Option<PathBuf>,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to listen on; loopback unless told otherwise.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Rows made per CRUD table beside the documented ones.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// How requests are checked.
    #[arg(long, value_enum, default_value = "default")]
    mode: CliMode,
    /// The request-intensity limit.
    #[arg(long, value_enum, default_value = "standard")]
    limits: CliLimits,
    /// Language of the documented examples that answer.
    #[arg(long, value_enum, default_value = "en")]
    lang: CliLang,
}

#[derive(Clone, Copy, ValueEnum)]
enum CliMode {
    Default,
    Strict,
    Lenient,
}

#[derive(Clone, Copy, ValueEnum)]
enum CliLimits {
    Standard,
    Enterprise,
    Off,
}

#[derive(Clone, Copy, ValueEnum)]
enum CliLang {
    En,
    Ru,
}

pub fn run(a: MockArgs) -> Result<(), String> {
    let ir = match &a.ir {
        Some(file) => {
            b24gen::diff::load_side("mock", std::slice::from_ref(file), b24gen::read_docs)
                .map_err(|e| e.to_string())?
        }
        None => b24gen::read_docs(&a.docs),
    };
    if ir.methods.is_empty() {
        return Err("no methods read: point --docs at the docs or --ir at an IR file".into());
    }
    let methods = ir.methods.len();
    let lang = match a.lang {
        CliLang::En => b24gen::ir::Lang::En,
        CliLang::Ru => b24gen::ir::Lang::Ru,
    };
    // `rest.documentation.openapi` of REST 3, as a portal answers it.
    let openapi = b24gen::openapi::v30::rest3(&ir, lang);
    let builder = MockPortal::builder(ir)
        .openapi(openapi)
        .port(a.port)
        .bind(a.bind)
        .seed(a.seed)
        .mode(match a.mode {
            CliMode::Default => Mode::Default,
            CliMode::Strict => Mode::Strict,
            CliMode::Lenient => Mode::Lenient,
        })
        .limits(match a.limits {
            CliLimits::Standard => Limits::Standard,
            CliLimits::Enterprise => Limits::Enterprise,
            CliLimits::Off => Limits::Off,
        })
        .lang(lang);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    rt.block_on(async move {
        let portal = builder
            .start()
            .await
            .map_err(|e| format!("cannot listen on {}:{}: {e}", a.bind, a.port))?;
        eprintln!("b24gen mock: {methods} methods");
        eprintln!("  webhook:  {}", portal.webhook_url());
        eprintln!("  tokens:   {}", portal.token_url());
        eprintln!("  control:  {}_mock/", portal.base_url());
        eprintln!("  Ctrl-C stops it.");
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
        drop(portal);
        Ok(())
    })
}
