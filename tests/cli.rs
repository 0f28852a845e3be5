//! The `idemlab` binary as a user runs it: bad input of every kind gets one line on stderr,
//! starting `idemlab: `, and exit status 1; nothing hangs, reads without bound or panics.
#![cfg(not(target_arch = "wasm32"))]

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished run printed.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Run `idemlab` with `args`; kill it and fail the test if it is not done in `limit`.
fn idemlab_within(limit: Duration, args: &[&str]) -> Run {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_idemlab"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start idemlab");
    // Drain both pipes on their own threads so that a chatty child cannot block on them.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for idemlab") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("idemlab {args:?} still running after {limit:?}; killed it");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Run {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        took: started.elapsed(),
    }
}

fn idemlab(args: &[&str]) -> Run {
    idemlab_within(Duration::from_secs(60), args)
}

/// Assert the run failed the way every error must: status 1 and one `idemlab: ` line that
/// contains `expected`. Returns the line.
#[track_caller]
fn assert_error(run: &Run, expected: &str) -> String {
    let line = run.stderr.strip_suffix('\n').unwrap_or(&run.stderr);
    assert_eq!(run.code, Some(1), "exit status; stderr: {}", run.stderr);
    assert!(
        line.starts_with("idemlab: ") && !line.contains('\n'),
        "stderr must be one line starting `idemlab: `, got {:?}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        line.contains(expected),
        "stderr {line:?} should contain {expected:?}"
    );
    assert!(run.stdout.is_empty(), "nothing on stdout: {:?}", run.stdout);
    line.to_string()
}

#[track_caller]
fn assert_success(run: &Run) {
    assert_eq!(run.code, Some(0), "exit status; stderr: {}", run.stderr);
    assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
}

/// A fresh directory for one test's files.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

const LIMIT: usize = 256 * 1024;
/// A file that is not read within this long was not refused "at once".
const FAST: Duration = Duration::from_secs(10);

// 1. --config reads at most the limit, and only regular files.

#[test]
fn config_of_a_gigabyte_is_refused_without_reading_it() {
    let dir = scratch("config_of_a_gigabyte");
    let path = dir.join("huge.json");
    // Sparse: a gigabyte of length that costs no disk.
    File::create(&path)
        .unwrap()
        .set_len(1 << 30)
        .expect("sparse file");
    let run = idemlab_within(FAST, &["run", "--config", path.to_str().unwrap()]);
    assert_error(&run, "huge.json is larger than 256 KB");
    assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
}

#[test]
fn config_one_byte_over_the_limit_is_refused_and_at_the_limit_accepted() {
    let dir = scratch("config_limit_boundary");
    let body = r#"{"workload":"payment","operations":3}"#;
    let padded = |len: usize| format!("{body}{}", " ".repeat(len - body.len()));
    let at = write(&dir, "at.json", padded(LIMIT));
    let over = write(&dir, "over.json", padded(LIMIT + 1));
    assert_success(&idemlab(&["run", "--config", &at]));
    assert_error(
        &idemlab(&["run", "--config", &over]),
        "over.json is larger than 256 KB",
    );
}

#[cfg(unix)]
#[test]
fn config_dev_zero_is_refused_at_once() {
    let run = idemlab_within(FAST, &["run", "--config", "/dev/zero"]);
    assert_error(&run, "/dev/zero is a device, not a regular file");
}

#[cfg(unix)]
#[test]
fn config_fifo_is_refused_without_hanging() {
    let dir = scratch("config_fifo");
    let fifo = dir.join("scenario.json");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    // Opening a FIFO for reading blocks until a writer comes: none ever will.
    let run = idemlab_within(FAST, &["run", "--config", fifo.to_str().unwrap()]);
    assert_error(&run, "scenario.json is a FIFO, not a regular file");
}

#[test]
fn config_directory_is_refused() {
    let dir = scratch("config_directory");
    let run = idemlab(&["run", "--config", dir.to_str().unwrap()]);
    assert_error(&run, "config_directory is a directory, not a regular file");
}

#[test]
fn config_missing_file_is_one_line() {
    let dir = scratch("config_missing");
    let path = dir.join("absent.json");
    let run = idemlab(&["run", "--config", path.to_str().unwrap()]);
    assert_error(&run, "absent.json does not exist");
}

#[test]
fn config_not_utf8_is_one_line() {
    let dir = scratch("config_not_utf8");
    let path = write(&dir, "latin1.json", b"{\"workload\": \"caf\xe9\"}");
    assert_error(
        &idemlab(&["run", "--config", &path]),
        "latin1.json is not UTF-8 text",
    );
}

#[test]
fn config_empty_or_broken_json_is_one_line() {
    let dir = scratch("config_broken_json");
    let empty = write(&dir, "empty.json", "");
    let broken = write(&dir, "broken.json", "{\"seed\": 1,\n");
    let deep = write(&dir, "deep.json", "[".repeat(100_000));
    assert_error(
        &idemlab(&["run", "--config", &empty]),
        "empty.json is empty",
    );
    assert_error(
        &idemlab(&["run", "--config", &broken]),
        "broken.json is not valid JSON",
    );
    assert_error(
        &idemlab(&["run", "--config", &deep]),
        "deep.json is not valid JSON",
    );
}

// 2. A scenario is a JSON object, never an array filled in field order.

#[test]
fn config_must_be_a_json_object() {
    let dir = scratch("config_object_only");
    for (name, text, kind) in [
        ("positional.json", r#"["checkout",5,3]"#, "an array"),
        ("empty_array.json", "[]", "an array"),
        ("number.json", "5", "a number"),
        ("string.json", r#""checkout""#, "a string"),
        ("null.json", "null", "null"),
        ("bool.json", "true", "a boolean"),
    ] {
        let path = write(&dir, name, text);
        let line = assert_error(
            &idemlab(&["run", "--config", &path]),
            "a scenario must be a JSON object",
        );
        assert!(line.contains(name) && line.contains(kind), "{line}");
    }
}

#[test]
fn config_sections_must_be_json_objects_too() {
    let dir = scratch("config_sections");
    let network = write(&dir, "network.json", r#"{"network":[0.5,0.5]}"#);
    let partition = write(
        &dir,
        "partition.json",
        r#"{"network":{"partitions":[[0,1000]]}}"#,
    );
    assert_error(
        &idemlab(&["run", "--config", &network]),
        "network must be a JSON object, not an array",
    );
    assert_error(
        &idemlab(&["run", "--config", &partition]),
        "network.partitions[0] must be a JSON object, not an array",
    );
}

#[test]
fn config_object_runs() {
    let dir = scratch("config_object_runs");
    let path = write(
        &dir,
        "ok.json",
        r#"{"workload":"checkout","seed":5,"operations":4,"network":{"partitions":[{"start_us":0,"end_us":1000}]}}"#,
    );
    let run = idemlab(&["run", "--config", &path, "--format", "json"]);
    assert_success(&run);
    let summary: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(summary["workload"], "checkout");
    assert_eq!(summary["seed"], 5);
}

// 3. --set takes a choice bare or as a JSON string.

/// Run lost-response with `sets`, writing the trace, and return the scenario it ran.
fn scenario_with(test: &str, sets: &[&str]) -> serde_json::Value {
    let dir = scratch(test);
    let trace = dir.join("trace.json");
    let mut args = vec!["run", "--preset", "lost-response", "--seed", "2"];
    for set in sets {
        args.extend(["--set", set]);
    }
    args.extend(["--trace", trace.to_str().unwrap()]);
    assert_success(&idemlab(&args));
    let file: serde_json::Value =
        serde_json::from_reader(File::open(&trace).unwrap()).expect("trace is JSON");
    file["scenario"].clone()
}

#[test]
fn set_choice_bare() {
    let scenario = scenario_with(
        "set_choice_bare",
        &["network.delay=uniform", "client.key_policy=per-attempt"],
    );
    assert_eq!(scenario["network"]["delay"], "uniform");
    assert_eq!(scenario["client"]["key_policy"], "per-attempt");
}

#[test]
fn set_choice_as_json_string() {
    // What the program receives from `--set 'network.delay="uniform"'`: the quotes included.
    let scenario = scenario_with(
        "set_choice_quoted",
        &[
            r#"network.delay="uniform""#,
            r#"client.key_policy="per-attempt""#,
            r#" workload = "checkout" "#,
        ],
    );
    assert_eq!(scenario["network"]["delay"], "uniform");
    assert_eq!(scenario["client"]["key_policy"], "per-attempt");
    assert_eq!(scenario["workload"], "checkout");
}

#[test]
fn set_bad_values_are_one_line() {
    let base = ["run", "--preset", "lost-response"];
    for (set, expected) in [
        (r#"network.delay="nope""#, "network.delay must be one of"),
        ("network.delay=\"uniform", "network.delay must be one of"),
        ("network.delay=5", "network.delay must be one of"),
        ("network.response_loss=2", "must be between 0 and 1, not 2"),
        (
            "network.response_loss=\"0.2\"",
            "network.response_loss must be",
        ),
        ("client.max_attempts=-1", "client.max_attempts must be"),
        ("seed=-1", "seed must be"),
        ("nonsense.key=1", "unknown setting 'nonsense.key'"),
        ("network.delay", "--set needs key=value"),
    ] {
        let mut args = base.to_vec();
        args.extend(["--set", set]);
        assert_error(&idemlab(&args), expected);
    }
}

// 4. --trace says which --set makes a big preset traceable.

#[test]
fn trace_over_the_event_limit_names_the_fix() {
    let dir = scratch("trace_event_limit");
    let trace = dir.join("trace.json");
    let trace = trace.to_str().unwrap();
    let run = idemlab(&["run", "--preset", "bench-checkout", "--trace", trace]);
    assert_error(
        &run,
        "with --trace, max_events can be at most 3000000 (it is 20000000); add --set max_events=3000000",
    );
    assert!(
        !Path::new(trace).exists(),
        "no trace file for a refused run"
    );
    // The advice works (on a short run of the same preset).
    let run = idemlab(&[
        "run",
        "--preset",
        "bench-checkout",
        "--set",
        "max_events=3000000",
        "--set",
        "operations=40",
        "--trace",
        trace,
    ]);
    assert_success(&run);
    assert!(Path::new(trace).exists());
}

#[test]
fn trace_set_on_over_the_event_limit_names_both_fixes() {
    let run = idemlab(&[
        "run",
        "--preset",
        "lost-response",
        "--set",
        "max_events=5000000",
        "--set",
        "trace=true",
    ]);
    assert_error(&run, "add --set max_events=3000000, or --set trace=false");
}

#[test]
fn trace_to_a_bad_path_fails_before_the_run() {
    let dir = scratch("trace_bad_path");
    let trace = dir.join("no").join("such").join("trace.json");
    let run = idemlab(&[
        "run",
        "--preset",
        "lost-response",
        "--trace",
        trace.to_str().unwrap(),
    ]);
    assert_error(&run, "cannot write");
}

// 5. Usage errors too: status 1 and one line.

#[test]
fn seed_out_of_range_or_not_a_number_is_one_line() {
    for seed in ["-1", "18446744073709551616", "abc", "1.5", ""] {
        let run = idemlab(&["run", "--preset", "lost-response", "--seed", seed]);
        assert_error(
            &run,
            "the seed must be a whole number from 0 to 18446744073709551615",
        );
    }
    let run = idemlab(&["run", "--preset", "lost-response", "--seed=-7"]);
    assert_error(&run, "the seed must be a whole number");
}

#[test]
fn seed_bounds_run() {
    for seed in ["0", "18446744073709551615"] {
        let run = idemlab(&[
            "run",
            "--preset",
            "lost-response",
            "--seed",
            seed,
            "--format",
            "json",
        ]);
        assert_success(&run);
        let summary: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(summary["seed"].to_string(), seed);
    }
}

#[test]
fn usage_errors_are_one_line_with_status_1() {
    for (args, expected) in [
        (&[][..], "give a command: presets, keys, run"),
        (&["frob"][..], "unrecognized subcommand 'frob'"),
        (&["run"][..], "required arguments were not provided"),
        (
            &["run", "--preset", "a", "--config", "b"][..],
            "cannot be used with",
        ),
        (
            &["run", "--presett", "lost-response"][..],
            "tip: a similar argument exists: '--preset'",
        ),
        (&["keys", "--format", "yaml"][..], "invalid value 'yaml'"),
        (
            &["run", "--preset", "no-such-preset"][..],
            "no preset named 'no-such-preset'",
        ),
    ] {
        assert_error(&idemlab(args), expected);
    }
}

#[test]
fn help_and_version_still_go_to_stdout_with_status_0() {
    for args in [&["--help"][..], &["run", "--help"][..], &["--version"][..]] {
        let run = idemlab(args);
        assert_success(&run);
        assert!(!run.stdout.is_empty());
    }
}

#[test]
fn file_names_with_line_breaks_stay_on_one_line() {
    let dir = scratch("line_break_name");
    let path = dir.join("two\nlines.json");
    assert_error(
        &idemlab(&["run", "--config", path.to_str().unwrap()]),
        "does not exist",
    );
}
