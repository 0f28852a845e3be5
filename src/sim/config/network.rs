//! The client↔server network: loss, duplication, delay and partitions.

use serde::{Deserialize, Serialize};

use super::Micros;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelayKind {
    /// minimum + exponential(mean)
    Exponential,
    /// uniform in [minimum, minimum + 2·mean]
    Uniform,
}

/// A scheduled window in which every message on the client↔server network is dropped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partition {
    pub start_us: Micros,
    pub end_us: Micros,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    pub request_loss: f64,
    pub response_loss: f64,
    pub duplication: f64,
    pub delay: DelayKind,
    pub delay_min_us: Micros,
    pub delay_mean_us: Micros,
    pub partitions: Vec<Partition>,
    /// Loss on the server↔payment-provider link, each way.
    pub provider_loss: f64,
    /// Loss on the server↔email-service link, each way.
    pub email_loss: f64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        NetworkConfig {
            request_loss: 0.0,
            response_loss: 0.0,
            duplication: 0.0,
            delay: DelayKind::Exponential,
            delay_min_us: 5_000,
            delay_mean_us: 15_000,
            partitions: Vec::new(),
            provider_loss: 0.0,
            email_loss: 0.0,
        }
    }
}
