//! The plain words the control panel shows for each choice a knob offers.

/// The plain words a dropdown shows for a choice; the value itself stays the JSON value.
/// `None` only for a value no knob offers.
pub fn choice_label(value: &str) -> Option<&'static str> {
    Some(match value {
        "payment" => "Payment",
        "checkout" => "Checkout",
        "wallet" => "Wallet",
        "profile" => "Profile",
        "events" => "Events (messaging)",
        "log" => "Partitioned log (Kafka)",
        "queue" => "Queue (SQS)",
        "before_processing" => "Before processing",
        "after_processing" => "After processing",
        "auto" => "Auto-commit on a timer",
        "same_transaction" => "In the effect's transaction",
        "after_effect" => "In a second transaction after it",
        "off" => "Off",
        "content_based" => "Content-based (hash of the body)",
        "explicit_id" => "Explicit id (the event id)",
        "round_robin" => "Round robin",
        "random" => "Random",
        "sticky" => "Sticky (same replica per client)",
        "fixed" => "Fixed",
        "exponential" => "Exponential",
        "uniform" => "Uniform",
        "none" => "None",
        "per-operation" => "Per operation",
        "per-attempt" => "Per attempt",
        "reused-across-operations" => "Reused across operations",
        "memory" => "Replica memory",
        "database" => "Shared database",
        "consumer_memory" => "Consumer memory",
        "do_nothing" => "DO NOTHING",
        "do_update" => "DO UPDATE",
        "set" => "Read, then set",
        "increment" => "Increment in place",
        _ => return None,
    })
}
