//! Reading a `--config` file safely: only a regular file, at most the scenario size limit,
//! UTF-8, one JSON object read strictly.

use std::fs::{File, Metadata};
use std::io::Read as _;
use std::path::Path;

use idempotency_lab::sim::config;
use idempotency_lab::sim::Scenario;

/// The largest `--config` file accepted: the limit `Scenario::from_json` applies.
const MAX_CONFIG_BYTES: u64 = config::MAX_CONFIG_BYTES as u64;

/// Read a `--config` file: a regular file of at most [`MAX_CONFIG_BYTES`], UTF-8, holding
/// one JSON object shaped like a scenario. Never reads more than the limit plus one byte.
pub fn read_config(path: &Path) -> Result<Scenario, String> {
    let name = path.display();
    let cannot = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{name} does not exist"),
        _ => format!("cannot read {name}: {e}"),
    };
    // Look before opening: opening a FIFO for reading blocks until a writer comes.
    refuse_unless_regular(path, &std::fs::metadata(path).map_err(cannot)?)?;
    let file = File::open(path).map_err(cannot)?;
    // And check what was opened, in case the path changed in between.
    refuse_unless_regular(path, &file.metadata().map_err(cannot)?)?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!(
            "{name} is larger than {} KB, the most a scenario file may hold",
            MAX_CONFIG_BYTES / 1024
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{name} is not UTF-8 text (bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    if text.trim().is_empty() {
        return Err(format!("{name} is empty; a scenario is a JSON object"));
    }
    serde_json::from_str::<serde::de::IgnoredAny>(&text)
        .map_err(|e| format!("{name} is not valid JSON: {e}"))?;
    // The library reads it strictly: one object, sections as objects, no setting twice.
    Scenario::from_json(&text).map_err(|e| format!("{name}: {e}"))
}

fn refuse_unless_regular(path: &Path, metadata: &Metadata) -> Result<(), String> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_dir() {
        "a directory"
    } else {
        special_file(&kind)
    };
    Err(format!(
        "{} is {what}, not a regular file; give a scenario JSON file",
        path.display()
    ))
}

#[cfg(unix)]
fn special_file(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "something else"
    }
}

#[cfg(not(unix))]
fn special_file(_: &std::fs::FileType) -> &'static str {
    "something else"
}
