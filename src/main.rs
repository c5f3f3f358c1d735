use std::io::Write as _;

use clap::Parser;
use clap::error::ErrorKind;

fn main() {
    let cli = match tuidesk::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => usage_error(err),
    };
    if let Err(err) = tuidesk::cli::run(cli) {
        // The reader went away (`tuidesk … | head`): it has all it wanted.
        if tuidesk::out::closed_pipe() {
            std::process::exit(0);
        }
        // One line a user can act on: the error and what caused it, in the user's language
        // where the catalogue knows the error.
        let lang = tuidesk::session::language_for_errors();
        let message = tuidesk::localize::error_chain(lang, &err);
        let _ = writeln!(
            std::io::stderr(),
            "tuidesk: {}: {}",
            lang.t("error-prefix"),
            tuidesk::text::sanitize_line(&message)
        );
        // `mail deliver`: the mail server keeps the message and tries again.
        if err
            .downcast_ref::<tuidesk::cli::mail_cmd::TempFail>()
            .is_some()
        {
            std::process::exit(tuidesk::cli::mail_cmd::EXIT_TEMPFAIL);
        }
        std::process::exit(tuidesk::cli::EXIT_FAILURE);
    }
}

/// Help and `--version` print as clap writes them; a usage error is one line on stderr,
/// exit 2, like every other error of tuidesk.
fn usage_error(err: clap::Error) -> ! {
    let code = err.exit_code();
    if !err.use_stderr() || err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        // A closed pipe while printing help is no reason to complain.
        let _ = err.print();
        std::process::exit(code);
    }
    let rendered = err.render().to_string();
    let _ = writeln!(
        std::io::stderr(),
        "tuidesk: {}",
        tuidesk::cli::one_line_usage_error(&rendered)
    );
    std::process::exit(code);
}
