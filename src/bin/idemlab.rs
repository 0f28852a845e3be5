//! `idemlab`: run Idempotency Lab scenarios natively, for sweeps and benchmarks.

#[cfg(not(target_arch = "wasm32"))]
#[path = "idemlab/analysis.rs"]
mod analysis;

#[cfg(not(target_arch = "wasm32"))]
#[path = "idemlab/config_file.rs"]
mod config_file;

#[cfg(not(target_arch = "wasm32"))]
#[path = "idemlab/shrink.rs"]
mod shrink;

#[cfg(not(target_arch = "wasm32"))]
#[path = "idemlab/summary_text.rs"]
mod summary_text;

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use super::analysis;
    use super::config_file::read_config;
    use super::shrink::shrink_command;
    use super::summary_text::print_text;

    /// `println!` that ignores a closed pipe (`idemlab keys | head`) instead of panicking.
    macro_rules! out {
        ($($arg:tt)*) => {{
            use std::io::Write as _;
            let _ = writeln!(std::io::stdout(), $($arg)*);
        }};
    }

    use std::fs::File;
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::time::Instant;

    use clap::error::ErrorKind;
    use clap::{CommandFactory as _, Parser, Subcommand, ValueEnum};
    use idempotency_lab::sim::config::limits::MAX_TRACED_EVENTS;
    use idempotency_lab::sim::config::{KnobKind, Scenario, Workload, KNOBS};
    use idempotency_lab::sim::report::Summary;
    use idempotency_lab::sim::scenarios::{preset, presets};
    use idempotency_lab::sim::sweep::SweepSpec;
    use idempotency_lab::sim::trace::json::{write_trace, TraceHeader};

    /// Deterministic simulator of retries, lossy networks and idempotency protections.
    #[derive(Parser)]
    #[command(name = "idemlab", version, about)]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum Format {
        Text,
        Json,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum TableFormat {
        Csv,
        Json,
    }

    /// The scenario a command starts from: a preset or a file, a seed, overrides.
    #[derive(clap::Args)]
    struct Base {
        /// A named preset (see `idemlab presets`).
        #[arg(long, conflicts_with = "config", required_unless_present = "config")]
        preset: Option<String>,
        /// A scenario JSON file: one JSON object, at most 256 KB.
        #[arg(long)]
        config: Option<PathBuf>,
        /// The seed (overrides the preset's or file's), 0 to 18446744073709551615.
        #[arg(long, value_parser = parse_seed, allow_negative_numbers = true)]
        seed: Option<u64>,
        /// Override a setting: `--set network.response_loss=0.2` (repeatable); a choice
        /// may be bare or a JSON string: `network.delay=uniform`, `network.delay="uniform"`.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    }

    impl Base {
        fn scenario(&self) -> Result<Scenario, String> {
            let mut scenario = load(self.preset.as_deref(), self.config.as_deref())?;
            if let Some(seed) = self.seed {
                scenario.seed = seed;
            }
            for assignment in &self.set {
                scenario = scenario.with_override(assignment)?;
            }
            Ok(scenario)
        }
    }

    /// A preset by name or a scenario file.
    fn load(name: Option<&str>, config: Option<&Path>) -> Result<Scenario, String> {
        match (name, config) {
            (Some(name), _) => Ok(preset(name)
                .ok_or_else(|| format!("no preset named '{name}' (run `idemlab presets`)"))?
                .scenario),
            (None, Some(path)) => read_config(path),
            (None, None) => Err("give --preset NAME or --config FILE".into()),
        }
    }

    #[derive(Subcommand)]
    enum Command {
        /// List the named presets.
        Presets {
            #[arg(long, value_enum, default_value = "text")]
            format: Format,
        },
        /// List every setting `--set` accepts, with its range, default and meaning.
        Keys {
            #[arg(long, value_enum, default_value = "text")]
            format: Format,
        },
        /// Run a scenario and print its summary.
        Run {
            #[command(flatten)]
            base: Base,
            #[arg(long, value_enum, default_value = "text")]
            format: Format,
            /// Write the full trace as JSON to this file (max_events at most 3000000).
            #[arg(long)]
            trace: Option<PathBuf>,
        },
        /// List the named protection sets that sweep and compare take.
        Protections {
            #[arg(long, value_enum, default_value = "text")]
            format: Format,
        },
        /// Sweep one numeric setting over a range under up to 4 protection sets, several
        /// seeds per point; prints the anomaly rate per 1,000 operations and the costs.
        Sweep {
            #[command(flatten)]
            base: Base,
            /// The setting to sweep, e.g. network.response_loss (see `idemlab keys`).
            #[arg(long)]
            knob: String,
            #[arg(long, allow_negative_numbers = true)]
            from: f64,
            #[arg(long, allow_negative_numbers = true)]
            to: f64,
            /// Points from --from to --to, both included (1 to 100).
            #[arg(long, default_value_t = 11)]
            steps: u32,
            /// Seeds per point, from the scenario's seed on (1 to 1000).
            #[arg(long, default_value_t = 10)]
            seeds: u32,
            /// Comma-separated protection sets (see `idemlab protections`), 1 to 4.
            #[arg(long, value_delimiter = ',', default_value = "none,full")]
            protections: Vec<String>,
            #[arg(long, value_enum, default_value = "csv")]
            format: TableFormat,
        },
        /// Find the fewest faults that still make one anomaly of a run (delta debugging
        /// over the faults the run met, each switched off by its identity).
        Shrink {
            #[command(flatten)]
            base: Base,
            /// Which anomaly, counting from 1 in the order `idemlab run` lists them.
            #[arg(long)]
            anomaly: usize,
            /// Stop after this many runs.
            #[arg(long, default_value_t = 400)]
            max_runs: u32,
            /// Stop after this many seconds of wall time.
            #[arg(long, default_value_t = 10.0)]
            seconds: f64,
            /// Also write the shrunk scenario (with its only_faults list) to this file, for
            /// `idemlab run --config FILE`.
            #[arg(long)]
            out: Option<PathBuf>,
            #[arg(long, value_enum, default_value = "text")]
            format: Format,
        },
        /// Run one seed under two protection sets and print them side by side.
        Compare {
            #[command(flatten)]
            base: Base,
            #[arg(long)]
            a: String,
            #[arg(long)]
            b: String,
            #[arg(long, value_enum, default_value = "text")]
            format: Format,
        },
    }

    pub fn main() -> ExitCode {
        install_panic_hook();
        let cli = match Cli::try_parse() {
            Ok(cli) => cli,
            Err(e) => match e.kind() {
                // Asked for: print to stdout and exit 0.
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => e.exit(),
                _ => return fail(&usage_error(&e)),
            },
        };
        match execute(cli.command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => fail(&message),
        }
    }

    /// Report an error as one line on stderr, `idemlab: …`; the caller exits with status 1.
    fn fail(message: &str) -> ExitCode {
        use std::io::Write as _;
        // A file name or an echoed value may hold a line break; the error stays one line.
        let line: String = message
            .trim()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let _ = writeln!(std::io::stderr(), "idemlab: {line}");
        ExitCode::FAILURE
    }

    /// A bug must not print a multi-line panic report either: one line, status 1.
    /// `RUST_BACKTRACE` set keeps the standard report, for debugging.
    fn install_panic_hook() {
        if std::env::var_os("RUST_BACKTRACE").is_some() {
            return;
        }
        std::panic::set_hook(Box::new(|info| {
            let what = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            let at = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let _ = fail(&format!(
                "internal error{at}: {what} (a bug; RUST_BACKTRACE=1 shows the full report)"
            ));
            std::process::exit(1);
        }));
    }

    /// clap's multi-line usage error as one line: the message, any tip, and where help is.
    fn usage_error(e: &clap::Error) -> String {
        if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            let commands: Vec<String> = Cli::command()
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .filter(|name| name != "help")
                .collect();
            return format!(
                "give a command: {} (see `idemlab --help`)",
                commands.join(", ")
            );
        }
        let text = e.render().to_string();
        let mut blocks = text.split("\n\n");
        let message = blocks
            .next()
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        let message = message
            .strip_prefix("error: ")
            .unwrap_or(&message)
            .to_string();
        let mut parts = vec![message];
        // `Usage: idemlab run --preset <PRESET>` names the (sub)command whose help to see.
        let mut command = vec!["idemlab"];
        for line in blocks.flat_map(str::lines).map(str::trim) {
            if line.starts_with("tip:") {
                parts.push(line.to_string());
            } else if let Some(usage) = line.strip_prefix("Usage: ") {
                command.extend(
                    usage
                        .split_whitespace()
                        .skip(1)
                        .take_while(|word| !word.starts_with(['-', '<', '['])),
                );
            }
        }
        format!("{} (see `{} --help`)", parts.join("; "), command.join(" "))
    }

    fn parse_seed(text: &str) -> Result<u64, String> {
        text.trim()
            .parse()
            .map_err(|_| format!("the seed must be a whole number from 0 to {}", u64::MAX))
    }

    fn execute(command: Command) -> Result<(), String> {
        match command {
            Command::Presets { format } => {
                let list = presets();
                match format {
                    Format::Json => {
                        let rows: Vec<_> = list
                            .iter()
                            .map(|p| {
                                serde_json::json!({
                                    "name": p.name,
                                    "workload": p.scenario.workload.name(),
                                    "description": p.description,
                                })
                            })
                            .collect();
                        out!(
                            "{}",
                            serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?
                        );
                    }
                    Format::Text => {
                        for p in &list {
                            out!(
                                "{:<34} {:<9} {}",
                                p.name,
                                p.scenario.workload.name(),
                                p.description
                            );
                        }
                    }
                }
                Ok(())
            }
            Command::Keys { format } => {
                let defaults =
                    serde_json::to_value(Scenario::default()).map_err(|e| e.to_string())?;
                let rows: Vec<_> = KNOBS
                    .iter()
                    .map(|knob| {
                        let default = idempotency_lab::sim::config::value_at(&defaults, knob.path)
                            .map(|v| v.to_string())
                            .unwrap_or_default();
                        let families = [
                            (Workload::Payment, "http"),
                            (Workload::Events, "events"),
                            (Workload::Stream, "stream"),
                            (Workload::Saga, "saga"),
                        ];
                        let read_by: Vec<&str> = families
                            .iter()
                            .filter(|(w, _)| knob.applies_to(*w))
                            .map(|(_, name)| *name)
                            .collect();
                        let workloads = if read_by.len() == families.len() {
                            "all".to_string()
                        } else {
                            read_by.join(",")
                        };
                        serde_json::json!({
                            "key": knob.path,
                            "workloads": workloads,
                            "range": range(knob.kind),
                            "default": default,
                            "help": knob.help,
                        })
                    })
                    .collect();
                match format {
                    Format::Text => {
                        for row in &rows {
                            out!(
                                "{:<48} {:<7} {:<28} default {:<14} {}",
                                row["key"].as_str().unwrap_or_default(),
                                row["workloads"].as_str().unwrap_or_default(),
                                row["range"].as_str().unwrap_or_default(),
                                row["default"].as_str().unwrap_or_default(),
                                row["help"].as_str().unwrap_or_default()
                            );
                        }
                    }
                    Format::Json => out!(
                        "{}",
                        serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?
                    ),
                }
                Ok(())
            }
            Command::Run {
                base,
                format,
                trace,
            } => {
                let mut scenario = base.scenario()?;
                let limit = MAX_TRACED_EVENTS;
                if scenario.max_events > limit {
                    if trace.is_some() {
                        return Err(format!(
                            "with --trace, max_events can be at most {limit} (it is {}); add --set max_events={limit}",
                            scenario.max_events
                        ));
                    }
                    if scenario.trace {
                        return Err(format!(
                            "trace is on, so max_events can be at most {limit} (it is {}); add --set max_events={limit}, or --set trace=false",
                            scenario.max_events
                        ));
                    }
                }
                if trace.is_some() {
                    scenario.trace = true;
                }
                let valid = scenario.validate()?;
                // Create the trace file before the run, so that a bad path fails at once.
                let trace_file = match &trace {
                    Some(path) => Some(
                        File::create(path)
                            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
                    ),
                    None => None,
                };
                let started = Instant::now();
                let result = idempotency_lab::sim::run(&valid);
                let wall_ms = started.elapsed().as_secs_f64() * 1e3;
                let summary = Summary::new(&result, (wall_ms * 1000.0).round() / 1000.0);
                if let (Some(path), Some(file)) = (&trace, trace_file) {
                    let cannot =
                        |e: std::io::Error| format!("cannot write {}: {e}", path.display());
                    let header = TraceHeader::of(&result);
                    write_trace(std::io::BufWriter::new(file), &header, &result.trace)
                        .map_err(cannot)?;
                }
                match format {
                    Format::Json => out!(
                        "{}",
                        serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?
                    ),
                    Format::Text => print_text(&summary),
                }
                Ok(())
            }
            Command::Protections { format } => {
                out!(
                    "{}",
                    analysis::list_protections(matches!(format, Format::Json))?
                );
                Ok(())
            }
            Command::Sweep {
                base,
                knob,
                from,
                to,
                steps,
                seeds,
                protections,
                format,
            } => {
                let sets: Vec<&str> = protections.iter().map(|s| s.trim()).collect();
                let spec = SweepSpec::new(base.scenario()?, &knob, from, to, steps, seeds, &sets)?;
                out!(
                    "{}",
                    analysis::sweep(&spec, matches!(format, TableFormat::Json))?
                );
                Ok(())
            }
            Command::Shrink {
                base,
                anomaly,
                max_runs,
                seconds,
                out,
                format,
            } => {
                let scenario = base.scenario()?;
                let json = matches!(format, Format::Json);
                let (text, shrunk) = shrink_command(&scenario, anomaly, max_runs, seconds, json)?;
                if let Some(path) = out {
                    let body = serde_json::to_string_pretty(&shrunk).map_err(|e| e.to_string())?;
                    std::fs::write(&path, body + "\n")
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                }
                out!("{text}");
                Ok(())
            }
            Command::Compare { base, a, b, format } => {
                let scenario = base.scenario()?;
                out!(
                    "{}",
                    analysis::compare(&scenario, &a, &b, matches!(format, Format::Json))?
                );
                Ok(())
            }
        }
    }

    fn range(kind: KnobKind) -> String {
        match kind {
            KnobKind::Bool => "true|false".into(),
            KnobKind::Probability => "0..=1".into(),
            KnobKind::Count { min, max } => format!("{min}..={max}"),
            KnobKind::Duration { min, max } => format!("{min}..={max} µs"),
            KnobKind::Signed { min, max } => format!("{min}..={max}"),
            KnobKind::Choice(options) => options.join("|"),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
