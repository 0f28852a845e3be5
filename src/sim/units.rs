//! Human durations: "24 h", "1.5 s", "1 min 30 s", "250 µs".
//!
//! Every duration of a scenario is a whole number of microseconds. [`format_duration`]
//! writes one exactly and [`parse_duration`] reads it back to the very same value, in
//! integer arithmetic (no floating point, so "0.1 s" is 100,000 µs and nothing else).
//! [`format_readout`] is the short, rounded-down form for clocks and totals.
//!
//! The exact format, from the largest unit down:
//! - a whole number of days, two or more: "7 days" (one day is "24 h");
//! - from a minute: hours and minutes, then the rest below a minute as below, leaving out
//!   parts that are zero: "24 h", "1 h 30 min", "1 min 30 s", "2 min 250 ms";
//! - from a second: seconds with as few decimals as exactness needs: "5 s", "1.5 s";
//! - from a millisecond: milliseconds, at most three decimals: "300 ms", "12.5 ms";
//! - below: microseconds, "250 µs"; zero is "0 ms".
//!
//! The parser takes one number with a unit, or several in decreasing units ("1 h 30 min",
//! "1m30s"); a bare number is milliseconds, as the control panel always took.

use std::fmt;

const MS: u64 = 1_000;
const S: u64 = 1_000_000;
const MIN: u64 = 60 * S;
const H: u64 = 60 * MIN;
const DAY: u64 = 24 * H;

/// Longer input is refused unread: no duration needs it, and a message must stay short.
pub const MAX_DURATION_TEXT: usize = 64;

/// Why a text is not a duration. Quoted pieces are shortened, so a message stays short.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DurationError {
    Empty,
    TooLong,
    Negative,
    NotANumber(String),
    /// A comma that is not a thousands separator ("1,5 s").
    Comma,
    UnknownUnit(String),
    /// A number without a unit in a compound ("1 h 30").
    MissingUnit,
    /// Units out of order or repeated ("5 s 1 h").
    UnitOrder,
    /// Finer than a microsecond ("0.0001 ms").
    TooPrecise,
    TooLarge,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Empty => write!(f, "it is empty"),
            DurationError::TooLong => {
                write!(f, "the text is longer than {MAX_DURATION_TEXT} characters")
            }
            DurationError::Negative => write!(f, "a duration cannot be negative"),
            DurationError::NotANumber(piece) => write!(f, "“{}” is not a number", short(piece)),
            DurationError::Comma => write!(f, "use a point for decimals, as in 1.5 s"),
            DurationError::UnknownUnit(unit) => write!(
                f,
                "“{}” is not a unit (use µs, ms, s, min, h or days)",
                short(unit)
            ),
            DurationError::MissingUnit => write!(f, "give each number its unit, as in 1 h 30 min"),
            DurationError::UnitOrder => {
                write!(f, "write units from the largest down, each once")
            }
            DurationError::TooPrecise => write!(f, "durations are whole microseconds"),
            DurationError::TooLarge => write!(f, "the number is too large"),
        }
    }
}

/// At most 16 characters of what the user typed.
fn short(piece: &str) -> String {
    match piece.char_indices().nth(16) {
        Some((cut, _)) => format!("{}…", &piece[..cut]),
        None => piece.to_string(),
    }
}

/// The size of a unit in microseconds, by any of its usual spellings.
fn unit_size(unit: &str) -> Option<u64> {
    // ASCII lowercase, plus the one other capital a unit can start with (Greek capital mu,
    // the micro sign's uppercase): the same as `to_lowercase` for every spelling below,
    // without the Unicode case tables in the wasm bundle.
    Some(match unit.to_ascii_lowercase().replace('Μ', "μ").as_str() {
        "µs" | "μs" | "us" | "usec" | "microsecond" | "microseconds" => 1,
        "ms" | "msec" | "millisecond" | "milliseconds" => MS,
        "s" | "sec" | "secs" | "second" | "seconds" => S,
        "m" | "min" | "mins" | "minute" | "minutes" => MIN,
        "h" | "hr" | "hrs" | "hour" | "hours" => H,
        "d" | "day" | "days" => DAY,
        _ => return None,
    })
}

/// Digits with optional thousands separators ("86,400,000"), commas removed.
fn whole_digits(text: &str) -> Result<String, DurationError> {
    if !text.contains(',') {
        return Ok(text.to_string());
    }
    let mut groups = text.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    if first_ok && groups.all(|g| g.len() == 3) {
        Ok(text.replace(',', ""))
    } else {
        Err(DurationError::Comma)
    }
}

/// `number` (digits, at most one point) times `unit`, exactly.
fn scaled(number: &str, unit: u64) -> Result<u64, DurationError> {
    let not_a_number = || DurationError::NotANumber(number.to_string());
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let whole = whole_digits(whole)?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(&whole) || !digits(fraction) || whole.is_empty() && fraction.is_empty() {
        return Err(not_a_number());
    }
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    // u64::MAX has 20 digits; a finer fraction than 18 digits cannot be whole µs of any unit.
    if whole.len() > 20 {
        return Err(DurationError::TooLarge);
    }
    if fraction.len() > 18 {
        return Err(DurationError::TooPrecise);
    }
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| not_a_number())?
    };
    let (numerator, denominator) = if fraction.is_empty() {
        (0, 1)
    } else {
        let numerator: u128 = fraction.parse().map_err(|_| not_a_number())?;
        (
            numerator * u128::from(unit),
            10u128.pow(fraction.len() as u32),
        )
    };
    if numerator % denominator != 0 {
        return Err(DurationError::TooPrecise);
    }
    let total = whole * u128::from(unit) + numerator / denominator;
    u64::try_from(total).map_err(|_| DurationError::TooLarge)
}

/// Split off the leading run of characters that satisfy `keep`.
fn take_while(text: &str, keep: impl Fn(char) -> bool) -> (&str, &str) {
    let end = text.find(|c| !keep(c)).unwrap_or(text.len());
    text.split_at(end)
}

/// Read a duration in microseconds: "5 s", "1.5s", "90 min", "1 h 30 min", "250 µs" (or
/// "250 us"); a bare number is milliseconds ("86400000" is 24 h).
///
/// `#[inline]`, as `parse_duration_in`: only input is parsed, never in a run, so both are
/// compiled in the crate that calls them (the page's, optimised for size in the browser
/// build) rather than in the engine's.
#[inline]
pub fn parse_duration(text: &str) -> Result<u64, DurationError> {
    if text.len() > MAX_DURATION_TEXT {
        return Err(DurationError::TooLong);
    }
    let text = text.trim();
    if text.is_empty() {
        return Err(DurationError::Empty);
    }
    if text.starts_with(['-', '−']) {
        return Err(DurationError::Negative);
    }
    let mut rest = text;
    let mut total: u64 = 0;
    let mut last_unit: Option<u64> = None;
    while !rest.is_empty() {
        let (number, after) = take_while(rest, |c| c.is_ascii_digit() || c == '.' || c == ',');
        if number.is_empty() {
            let (piece, _) = take_while(rest, |c| !c.is_whitespace());
            return Err(DurationError::NotANumber(piece.to_string()));
        }
        let (unit, after) = take_while(after.trim_start(), char::is_alphabetic);
        let size = if unit.is_empty() {
            let (junk, _) = take_while(after, |c| !c.is_whitespace() && !c.is_ascii_digit());
            if !junk.is_empty() {
                return Err(DurationError::UnknownUnit(junk.to_string()));
            }
            if last_unit.is_some() || !after.is_empty() {
                return Err(DurationError::MissingUnit);
            }
            MS
        } else {
            unit_size(unit).ok_or_else(|| DurationError::UnknownUnit(unit.to_string()))?
        };
        if last_unit.is_some_and(|last| size >= last) {
            return Err(DurationError::UnitOrder);
        }
        last_unit = Some(size);
        total = total
            .checked_add(scaled(number, size)?)
            .ok_or(DurationError::TooLarge)?;
        rest = after.trim_start();
    }
    Ok(total)
}

/// `value / unit` with as few decimals as exactness needs; `unit` is a power of ten.
fn decimal(value: u64, unit: u64) -> String {
    let (whole, fraction) = (value / unit, value % unit);
    if fraction == 0 {
        return whole.to_string();
    }
    let width = unit.ilog10() as usize;
    let digits = format!("{fraction:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

fn below_minute(us: u64) -> String {
    match us {
        0 => "0 ms".into(),
        1..MS => format!("{us} µs"),
        MS..S => format!("{} ms", decimal(us, MS)),
        _ => format!("{} s", decimal(us, S)),
    }
}

/// A duration exactly, in the largest units that show it (see the module's rule).
pub fn format_duration(us: u64) -> String {
    if us >= 2 * DAY && us % DAY == 0 {
        return format!("{} days", us / DAY);
    }
    if us < MIN {
        return below_minute(us);
    }
    let (hours, minutes, rest) = (us / H, us % H / MIN, us % MIN);
    let mut parts = Vec::with_capacity(3);
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if minutes > 0 {
        parts.push(format!("{minutes} min"));
    }
    if rest > 0 {
        parts.push(below_minute(rest));
    }
    parts.join(" ")
}

/// Digits grouped by thousands: 86400000 → "86,400,000".
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() * 4 / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The exact value for a tooltip: "86,400,000 ms (86,400,000,000 µs)", "250 µs".
#[inline] // only read outside a run: compiled in the caller's crate (for size in the browser)
pub fn format_exact(us: u64) -> String {
    if us < MS {
        return format!("{us} µs");
    }
    let fraction = match us % MS {
        0 => String::new(),
        rest => format!(".{}", format!("{rest:03}").trim_end_matches('0')),
    };
    format!("{}{fraction} ms ({} µs)", grouped(us / MS), grouped(us))
}

/// A clock or a total, short and rounded down: "812 ms", "3.81 s", "51 min 0.4 s",
/// "2 h 5 min 3 s". Fixed decimals per range, so a running clock does not jitter.
#[inline] // only read outside a run: compiled in the caller's crate (for size in the browser)
pub fn format_readout(us: u64) -> String {
    let seconds = us / S;
    match us {
        0 => "0 s".into(),
        1..MS => format!("{us} µs"),
        MS..S => format!("{} ms", us / MS),
        S..10_000_000 => format!("{seconds}.{:02} s", us % S / 10_000),
        10_000_000..MIN => format!("{seconds}.{} s", us % S / 100_000),
        MIN..H => {
            let tenths = us % MIN / 100_000;
            match tenths {
                0 => format!("{} min", us / MIN),
                _ => format!("{} min {}.{} s", us / MIN, tenths / 10, tenths % 10),
            }
        }
        _ => {
            let parts = [(us / H, "h"), (us % H / MIN, "min"), (us % MIN / S, "s")];
            let shown: Vec<String> = parts
                .iter()
                .enumerate()
                .filter(|&(i, &(n, _))| i == 0 || n > 0)
                .map(|(_, (n, unit))| format!("{n} {unit}"))
                .collect();
            shown.join(" ")
        }
    }
}

/// Parse a duration setting and check it against `min..=max`; the message names the
/// setting and the range in human units.
#[inline]
pub fn parse_duration_in(label: &str, text: &str, min: u64, max: u64) -> Result<u64, String> {
    let range = format!(
        "between {} and {}",
        format_duration(min),
        format_duration(max)
    );
    let us =
        parse_duration(text).map_err(|e| format!("{label} must be a duration {range}: {e}"))?;
    if us < min {
        Err(format!(
            "{label} must be {range}; {} is too short",
            format_duration(us)
        ))
    } else if us > max {
        Err(format!(
            "{label} must be {range}; {} is too long",
            format_duration(us)
        ))
    } else {
        Ok(us)
    }
}
