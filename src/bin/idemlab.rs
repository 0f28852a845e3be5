//! `idemlab`: run Idempotency Lab scenarios natively, for sweeps and benchmarks.

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    /// `println!` that ignores a closed pipe (`idemlab keys | head`) instead of panicking.
    macro_rules! out {
        ($($arg:tt)*) => {{
            use std::io::Write as _;
            let _ = writeln!(std::io::stdout(), $($arg)*);
        }};
    }

    use std::path::PathBuf;
    use std::process::ExitCode;
    use std::time::Instant;

    use clap::{Parser, Subcommand, ValueEnum};
    use idempotency_lab::sim::config::{KnobKind, Scenario, KNOBS};
    use idempotency_lab::sim::report::Summary;
    use idempotency_lab::sim::scenarios::{preset, presets};
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
            /// A named preset (see `idemlab presets`).
            #[arg(long, conflicts_with = "config", required_unless_present = "config")]
            preset: Option<String>,
            /// A scenario JSON file.
            #[arg(long)]
            config: Option<PathBuf>,
            /// The seed (overrides the preset's or file's).
            #[arg(long)]
            seed: Option<u64>,
            /// Override a setting: `--set network.response_loss=0.2` (repeatable).
            #[arg(long = "set", value_name = "KEY=VALUE")]
            set: Vec<String>,
            #[arg(long, value_enum, default_value = "text")]
            format: Format,
            /// Write the full trace as JSON to this file.
            #[arg(long)]
            trace: Option<PathBuf>,
        },
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        match execute(cli.command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("idemlab: {message}");
                ExitCode::FAILURE
            }
        }
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
                        serde_json::json!({
                            "key": knob.path,
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
                                "{:<48} {:<28} default {:<14} {}",
                                row["key"].as_str().unwrap_or_default(),
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
                preset: name,
                config,
                seed,
                set,
                format,
                trace,
            } => {
                let mut scenario = match (name, config) {
                    (Some(name), _) => {
                        preset(&name)
                            .ok_or_else(|| {
                                format!("no preset named '{name}' (run `idemlab presets`)")
                            })?
                            .scenario
                    }
                    (None, Some(path)) => {
                        let text = std::fs::read_to_string(&path)
                            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                        Scenario::from_json(&text)
                            .map_err(|e| format!("{}: {e}", path.display()))?
                    }
                    (None, None) => return Err("give --preset NAME or --config FILE".into()),
                };
                if let Some(seed) = seed {
                    scenario.seed = seed;
                }
                for assignment in &set {
                    scenario = scenario.with_override(assignment)?;
                }
                if trace.is_some() {
                    scenario.trace = true;
                }
                let valid = scenario.validate()?;
                let started = Instant::now();
                let result = idempotency_lab::sim::run(&valid);
                let wall_ms = started.elapsed().as_secs_f64() * 1e3;
                let summary = Summary::new(&result, (wall_ms * 1000.0).round() / 1000.0);
                if let Some(path) = trace {
                    let cannot =
                        |e: std::io::Error| format!("cannot write {}: {e}", path.display());
                    let file = std::fs::File::create(&path).map_err(cannot)?;
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

    fn print_text(s: &Summary) {
        out!(
            "workload {}  seed {}  trace hash {}",
            s.workload,
            s.seed,
            s.trace_hash
        );
        out!(
            "{} events, {} operations, {:.1} s virtual time, {:.1} ms wall time{}",
            s.events,
            s.operations,
            s.virtual_time_us as f64 / 1e6,
            s.wall_time_ms,
            if s.stopped_at_event_limit {
                " (stopped at the event limit)"
            } else {
                ""
            }
        );
        let o = &s.client_outcomes;
        out!(
            "clients: {} succeeded, {} failed, {} unknown",
            o.succeeded,
            o.failed,
            o.unknown
        );
        out!(
            "latency: p50 {} ms, p95 {} ms, p99 {} ms",
            s.latency_us.p50 / 1000,
            s.latency_us.p95 / 1000,
            s.latency_us.p99 / 1000
        );
        let found: Vec<String> = s
            .anomalies
            .iter()
            .filter(|(_, &n)| n > 0)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        out!(
            "anomalies: {}",
            if found.is_empty() {
                "none".into()
            } else {
                found.join(", ")
            }
        );
        for e in &s.explanations {
            out!("  - {}", e.narrative);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
