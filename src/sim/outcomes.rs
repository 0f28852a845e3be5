//! What the clients saw, counted as the run goes: outcomes as counters and latencies
//! for the percentiles, so the summary needs nothing kept per operation.
//!
//! With the trace on, every latency is kept (8 bytes an operation, next to ~40 bytes an
//! event for the trace) and the percentiles are exact nearest-rank values, as the browser
//! shows them. With the trace off, latencies go into an HDR histogram with 3 significant
//! digits: memory is fixed (tens of KB) and a percentile is the top of the bucket that
//! holds the exact value, at most 0.1% above it; the maximum is exact.

use hdrhistogram::Histogram;

use super::trace::Outcome;

/// Client outcomes, counted.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcomes {
    pub succeeded: u64,
    pub failed: u64,
    pub unknown: u64,
    pub latency: Latencies,
}

impl Outcomes {
    pub fn new(exact: bool) -> Self {
        Outcomes {
            succeeded: 0,
            failed: 0,
            unknown: 0,
            latency: Latencies::new(exact),
        }
    }

    /// An operation ended with `outcome` after `latency_us`.
    pub fn record(&mut self, outcome: Outcome, latency_us: u64) {
        match outcome {
            Outcome::Succeeded => self.succeeded += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Unknown => self.unknown += 1,
        }
        self.latency.record(latency_us);
    }

    /// Operations that ended, whatever their outcome.
    pub fn ended(&self) -> u64 {
        self.succeeded + self.failed + self.unknown
    }
}

/// Latencies of the operations that ended, in µs.
#[derive(Clone, Debug, PartialEq)]
pub enum Latencies {
    /// Every value; sorted by [`Latencies::finish`].
    Exact(Vec<u64>),
    Histogram {
        histogram: Histogram<u32>,
        max: u64,
    },
}

/// Significant digits the histogram keeps: values within 0.1%.
const SIGNIFICANT_DIGITS: u8 = 3;

impl Latencies {
    pub fn new(exact: bool) -> Self {
        if exact {
            Latencies::Exact(Vec::new())
        } else {
            Latencies::Histogram {
                histogram: Histogram::new(SIGNIFICANT_DIGITS)
                    .expect("3 significant digits is a valid precision"),
                max: 0,
            }
        }
    }

    pub fn record(&mut self, us: u64) {
        match self {
            Latencies::Exact(values) => values.push(us),
            Latencies::Histogram { histogram, max } => {
                // The histogram grows to the largest value (its counts fit: ≤ 100,000
                // operations); it can only fail to where a usize cannot index it.
                if histogram.record(us).is_err() {
                    histogram.saturating_record(us);
                }
                *max = (*max).max(us);
            }
        }
    }

    /// Make the values ready for [`Latencies::percentile`].
    pub fn finish(&mut self) {
        if let Latencies::Exact(values) = self {
            values.sort_unstable();
        }
    }

    /// Nearest-rank percentile `p` (0–100]; 0 if nothing ended.
    pub fn percentile(&self, p: f64) -> u64 {
        match self {
            Latencies::Exact(sorted) => nearest_rank(sorted, p),
            Latencies::Histogram { histogram, max } => {
                if histogram.is_empty() {
                    0
                } else {
                    histogram.value_at_quantile(p / 100.0).min(*max)
                }
            }
        }
    }

    pub fn max(&self) -> u64 {
        match self {
            Latencies::Exact(sorted) => sorted.last().copied().unwrap_or(0),
            Latencies::Histogram { max, .. } => *max,
        }
    }
}

/// Nearest-rank percentile of sorted values.
pub fn nearest_rank(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(nearest_rank(&v, 50.0), 50);
        assert_eq!(nearest_rank(&v, 95.0), 95);
        assert_eq!(nearest_rank(&v, 99.0), 99);
        assert_eq!(nearest_rank(&[], 50.0), 0);
        assert_eq!(nearest_rank(&[7], 99.0), 7);
    }

    #[test]
    fn the_histogram_is_within_a_thousandth_of_the_exact_percentile() {
        let mut exact = Latencies::new(true);
        let mut hdr = Latencies::new(false);
        for i in 0..20_000u64 {
            // A spread like a run's: 2 ms to a few seconds.
            let us = 2_000 + (i * 7_919 % 20_011) * (1 + i % 97) * 3;
            exact.record(us);
            hdr.record(us);
        }
        exact.finish();
        hdr.finish();
        for p in [50.0, 95.0, 99.0, 100.0] {
            let (e, h) = (exact.percentile(p), hdr.percentile(p));
            assert!(
                h >= e && h - e <= e / 1000,
                "p{p}: exact {e}, histogram {h}"
            );
        }
        assert_eq!(exact.max(), hdr.max());
        assert_eq!(Latencies::new(false).percentile(50.0), 0);
    }
}
