//! What the oracle is told: typed facts, written by handlers into the effects buffer and
//! by the world's network, each with the trace events it refers to.

use crate::sim::config::CrashPoint;
use crate::sim::trace::{KeyCheckOutcome, Outcome};

/// Why a client attempt did not get its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    RequestLost,
    RequestPartitioned,
    ResponseLost,
    ResponsePartitioned,
    ReplicaDown,
    Crash(CrashPoint, u8),
    Timeout,
    /// Answered with an error status, by a replica or by the balancer.
    Status {
        status: u16,
        by_balancer: bool,
    },
}

/// One observation. `event` fields are trace event ids; the time is the world's now.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fact {
    AttemptSent {
        op: u32,
        attempt: u8,
        key: Option<u64>,
        event: u32,
    },
    /// The first fault an attempt met (later ones are ignored).
    Fault {
        op: u32,
        attempt: u8,
        fault: Fault,
        event: u32,
    },
    /// The network delivered a copy of an attempt's request.
    Duplicated {
        op: u32,
        attempt: u8,
        event: u32,
    },
    /// A replica started execution `exec` of an attempt (ids count up from 0).
    ExecutionStarted {
        exec: u32,
        op: u32,
        attempt: u8,
        /// 0 for the request as sent, 1 for a copy the network made.
        copy: u8,
        replica: u8,
        /// The request's arrival at the replica.
        event: u32,
    },
    KeyChecked {
        exec: u32,
        outcome: KeyCheckOutcome,
        event: u32,
    },
    KeySaved {
        exec: u32,
    },
    /// Execution `exec` answered with `status`.
    ExecutionEnded {
        exec: u32,
        status: u16,
    },
    /// A replica crashed at `point` (trace event `event`).
    Crashed {
        replica: u8,
        point: CrashPoint,
        event: u32,
    },
    /// Execution `exec` was lost in that crash.
    LostInCrash {
        exec: u32,
        replica: u8,
        point: CrashPoint,
        event: u32,
    },
    /// An execution called an external service again after `event` (its timeout).
    ExternalCallRetried {
        exec: u32,
        event: u32,
    },
    /// The provider made charge `charge` for `op`, called by execution `exec`.
    Charged {
        exec: u32,
        op: u32,
        charge: u32,
        event: u32,
    },
    /// Execution `exec` refunded charge `charge` of `op`.
    Refunded {
        op: u32,
        exec: u32,
        charge: u32,
    },
    /// The payments or orders row `row` of `op` was inserted (`quantity` 0: a payment).
    OrderInserted {
        row: u32,
        exec: u32,
        op: u32,
        quantity: u32,
        event: u32,
    },
    Emailed {
        exec: u32,
        op: u32,
        email: u32,
        event: u32,
    },
    /// A wallet write of `op` to `account`; `overwrote` if the row changed after its read.
    AccountWritten {
        exec: u32,
        op: u32,
        account: u32,
        read_event: u32,
        read_time: u64,
        overwrote: bool,
        event: u32,
    },
    /// A checkout wrote the stock computed from its read.
    StockWritten {
        op: u32,
        read_event: u32,
        read_time: u64,
        read_value: i64,
        overwrote: bool,
        event: u32,
    },
    /// A profile write of `op` took effect.
    ProfileWritten {
        exec: u32,
        op: u32,
        event: u32,
    },
    /// The payment provider answered `op`'s charge call with `charge`, made under the same
    /// idempotency key for `charge_op` (another operation, or `op` itself with the charge
    /// refunded since): nothing stands charged for this call.
    ChargeReplayed {
        op: u32,
        charge_op: u32,
        charge: u32,
        event: u32,
    },
    /// A client accepted the stored response of `body_op` as the answer to `op`.
    WrongReplay {
        op: u32,
        body_op: u32,
        key_event: u32,
        event: u32,
    },
    OpEnded {
        op: u32,
        outcome: Outcome,
        event: u32,
    },
}
