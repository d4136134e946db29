use clap::{Parser, Subcommand};

/// Bitrix24 REST reference → typed Rust client.
#[derive(Parser)]
#[command(name = "b24gen", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {}

fn main() {
    let cli = Cli::parse();
    match cli.command {}
}
