use clap::Parser;

fn main() {
    grapevine::tune_allocator();
    let cli = grapevine::cli::Cli::parse();
    grapevine::init_tracing();
    if let Err(e) = grapevine::cli::run(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
