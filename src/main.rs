use clap::Parser;

/// mimalloc takes its options at the first allocation, before `main` runs.
#[ctor::ctor]
unsafe fn tune_allocator() {
    grapevine::tune_allocator();
}

fn main() {
    let cli = grapevine::cli::Cli::parse();
    grapevine::init_tracing();
    if let Err(e) = grapevine::cli::run(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
