use clap::Parser;

fn main() {
    let cli = tuidesk::cli::Cli::parse();
    if let Err(err) = tuidesk::cli::run(cli) {
        // One line a user can act on: the error and what caused it.
        let mut message = err.to_string();
        for cause in err.chain().skip(1) {
            let c = cause.to_string();
            if !message.contains(&c) {
                message.push_str(": ");
                message.push_str(&c);
            }
        }
        eprintln!("tuidesk: error: {}", tuidesk::text::sanitize_line(&message));
        std::process::exit(tuidesk::cli::EXIT_FAILURE);
    }
}
