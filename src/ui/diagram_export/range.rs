//! The custom range the export dialog reads: two durations such as "1.5 s" or "300 ms",
//! read and written as everywhere in the app (`sim::units`).

use crate::sim::oracle::format_time;
use crate::sim::units::parse_duration;

/// The range `[from, to]` typed by the user, within a run that ends at `end_us`; the end
/// is capped at the run's end. Errors are sentences for the dialog.
pub fn parse_range(from: &str, to: &str, end_us: u64) -> Result<(u64, u64), String> {
    const HOW: &str = "write a time such as 1.5 s, 300 ms or 250 µs";
    let from_us = parse_duration(from).map_err(|e| format!("From: {e}; {HOW}."))?;
    let to_us = parse_duration(to).map_err(|e| format!("To: {e}; {HOW}."))?;
    if from_us >= to_us {
        return Err(format!(
            "The range is empty: From ({}) must be before To ({}).",
            format_time(from_us),
            format_time(to_us)
        ));
    }
    if from_us >= end_us {
        return Err(format!(
            "The run ends at {}: From must be earlier than that.",
            format_time(end_us)
        ));
    }
    Ok((from_us, to_us.min(end_us)))
}
