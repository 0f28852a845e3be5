//! The replicas: processing time, external calls and where they crash.

use serde::{Deserialize, Serialize};

use super::Micros;

/// The four places a replica can be made to crash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum CrashPoint {
    BeforeWrite,
    AfterWriteBeforeKeySave,
    AfterProviderCallBeforeCommit,
    AfterCommitBeforeResponse,
}

impl CrashPoint {
    pub const ALL: [CrashPoint; 4] = [
        CrashPoint::BeforeWrite,
        CrashPoint::AfterProviderCallBeforeCommit,
        CrashPoint::AfterWriteBeforeKeySave,
        CrashPoint::AfterCommitBeforeResponse,
    ];

    pub fn name(self) -> &'static str {
        match self {
            CrashPoint::BeforeWrite => "before_write",
            CrashPoint::AfterWriteBeforeKeySave => "after_write_before_key_save",
            CrashPoint::AfterProviderCallBeforeCommit => "after_provider_call_before_commit",
            CrashPoint::AfterCommitBeforeResponse => "after_commit_before_response",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            CrashPoint::BeforeWrite => "before writing anything",
            CrashPoint::AfterWriteBeforeKeySave => {
                "after the business write but before saving the idempotency key"
            }
            CrashPoint::AfterProviderCallBeforeCommit => {
                "after charging the card but before committing"
            }
            CrashPoint::AfterCommitBeforeResponse => "after committing but before responding",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CrashConfig {
    pub before_write: f64,
    pub after_write_before_key_save: f64,
    pub after_provider_call_before_commit: f64,
    pub after_commit_before_response: f64,
    pub downtime_us: Micros,
}

impl Default for CrashConfig {
    fn default() -> Self {
        CrashConfig {
            before_write: 0.0,
            after_write_before_key_save: 0.0,
            after_provider_call_before_commit: 0.0,
            after_commit_before_response: 0.0,
            downtime_us: 500_000,
        }
    }
}

impl CrashConfig {
    pub fn probability(&self, point: CrashPoint) -> f64 {
        match point {
            CrashPoint::BeforeWrite => self.before_write,
            CrashPoint::AfterWriteBeforeKeySave => self.after_write_before_key_save,
            CrashPoint::AfterProviderCallBeforeCommit => self.after_provider_call_before_commit,
            CrashPoint::AfterCommitBeforeResponse => self.after_commit_before_response,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub processing_min_us: Micros,
    pub processing_mean_us: Micros,
    /// Probability that a request is slow (takes `slow_us` extra), e.g. a GC pause.
    pub slow_probability: f64,
    pub slow_us: Micros,
    /// Round trip of one database statement or transaction.
    pub db_rtt_us: Micros,
    /// How long a replica waits for the provider or email service before retrying the call.
    pub external_timeout_us: Micros,
    /// Attempts of one external call before the handler gives up with 502.
    pub external_attempts: u32,
    pub crash: CrashConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            processing_min_us: 5_000,
            processing_mean_us: 10_000,
            slow_probability: 0.0,
            slow_us: 1_000_000,
            db_rtt_us: 1_000,
            external_timeout_us: 150_000,
            external_attempts: 3,
            crash: CrashConfig::default(),
        }
    }
}
