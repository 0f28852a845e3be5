//! The glossary: every term the lessons and the controls use, in one or two sentences,
//! each naming where the behaviour it describes comes from.

/// One glossary entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term {
    /// The term as the app writes it (also its anchor, lowercased).
    pub term: &'static str,
    pub definition: &'static str,
    /// Where the behaviour is specified or described.
    pub source: &'static str,
}

pub const GLOSSARY: [Term; 27] = [
    Term {
        term: "idempotent",
        definition: "An operation is idempotent when doing it twice has the same effect as doing it once. HTTP defines PUT, DELETE and the safe methods as idempotent; POST is not.",
        source: "RFC 9110, HTTP Semantics, §9.2.2",
    },
    Term {
        term: "idempotency key",
        definition: "A unique value the client sends with a request (the Idempotency-Key header) and reuses on every retry of the same operation. The server stores it with the result and answers a retry from the record instead of running the operation again.",
        source: "IETF draft \"The Idempotency-Key HTTP Header Field\"; Stripe API reference, Idempotent requests",
    },
    Term {
        term: "fingerprint",
        definition: "A hash of the request payload stored with its idempotency key. A later request with the same key and a different fingerprint is refused with 422 instead of being given another request's response.",
        source: "IETF draft \"The Idempotency-Key HTTP Header Field\" (422 Unprocessable Content)",
    },
    Term {
        term: "in-flight lock",
        definition: "The key record is created \"in progress\" before the operation starts; a concurrent retry that finds it is answered 409 Conflict and retries later. A lock timeout frees the key of an attempt that crashed.",
        source: "IETF draft \"The Idempotency-Key HTTP Header Field\" (409 Conflict)",
    },
    Term {
        term: "TTL",
        definition: "Time to live: how long a record (an idempotency key, a dedup entry) is kept. It must outlast every retry of the operation it protects.",
        source: "Stripe API reference (keys are removed once at least 24 hours old); IETF draft (servers publish their expiry policy)",
    },
    Term {
        term: "upsert",
        definition: "An insert that tolerates an existing row with the same key: INSERT … ON CONFLICT DO NOTHING (the retry learns the row exists) or ON CONFLICT DO UPDATE … RETURNING (the retry gets the existing row back).",
        source: "PostgreSQL documentation, INSERT … ON CONFLICT",
    },
    Term {
        term: "natural key",
        definition: "An identifier that comes from the business itself, such as the client's order reference; a unique constraint on it makes a second insert of the same order fail.",
        source: "Relational database design practice",
    },
    Term {
        term: "CAS",
        definition: "Compare-and-set: a write that applies only if the row still has the version the writer read (UPDATE … WHERE version = v; If-Match with 412 Precondition Failed over HTTP). A stale writer re-reads instead of overwriting.",
        source: "RFC 9110, HTTP Semantics, §13.1.1 (If-Match)",
    },
    Term {
        term: "at-least-once",
        definition: "A delivery guarantee: every message arrives, possibly more than once. Retries over a lossy network and redelivery after a consumer crash both give at-least-once.",
        source: "Apache Kafka documentation, Message Delivery Semantics; Amazon SQS Developer Guide",
    },
    Term {
        term: "effectively-once",
        definition: "At-least-once delivery combined with an idempotent receiver, so that each message's effect happens once even though the message may arrive several times.",
        source: "Apache Pulsar documentation, processing guarantees (effectively-once); microservices.io, Idempotent Consumer pattern",
    },
    Term {
        term: "dedup store",
        definition: "The idempotent consumer's table of processed message ids (primary key consumer and message id), written in the same transaction as the message's effect; a redelivered message fails the insert and is skipped.",
        source: "microservices.io, Idempotent Consumer pattern",
    },
    Term {
        term: "deduplication id",
        definition: "An id an SQS FIFO queue keeps for 5 minutes after a send: a second send with the same id in that interval is accepted but not delivered again. With content-based deduplication the id is a SHA-256 hash of the message body.",
        source: "Amazon SQS Developer Guide, exactly-once processing in FIFO queues (MessageDeduplicationId)",
    },
    Term {
        term: "dead-letter queue",
        definition: "Where SQS moves a message that has been received maxReceiveCount times without being deleted (the source queue's redrive policy), so that a message that keeps failing stops being redelivered to the consumers.",
        source: "Amazon SQS Developer Guide, dead-letter queues",
    },
    Term {
        term: "offset commit",
        definition: "A Kafka consumer group records how far it has read a partition by committing an offset. Committed before processing, a crash loses the records in work (at most once); after processing, a crash repeats them (at least once); auto-commit on a timer can commit past records still being processed.",
        source: "Apache Kafka documentation, Message Delivery Semantics and consumer configuration (enable.auto.commit)",
    },
    Term {
        term: "outbox",
        definition: "The transactional outbox: the service writes the message to an outbox table in its business transaction, and a relay publishes it afterwards, at least once, marking it sent. Receivers deduplicate by the outbox id.",
        source: "microservices.io, Transactional Outbox pattern",
    },
    Term {
        term: "visibility timeout",
        definition: "In SQS, a received message is hidden from other consumers for this long (30 s by default, up to 12 h). If it is not deleted in time it becomes visible again and is delivered again; ChangeMessageVisibility extends it.",
        source: "Amazon SQS Developer Guide, Visibility timeout",
    },
    Term {
        term: "producer id and epoch",
        definition: "Kafka's idempotent producer gets a producer id; each batch to a partition carries a sequence number, and the broker drops a re-sent batch it remembers (the last 5 per partition). A restarted producer without a transactional id gets a new producer id, so its re-sends are not recognised. The epoch is bumped on each initialisation of a transactional id.",
        source: "Apache Kafka, KIP-98 Exactly Once Delivery and Transactional Messaging",
    },
    Term {
        term: "Kafka transaction",
        definition: "A transactional producer writes records to several partitions, and the consumer's input offsets with them (sendOffsetsToTransaction), as one transaction: the coordinator marks all of it committed or all of it aborted, and read_committed consumers see the records only once committed. Read-process-write within Kafka then happens once.",
        source: "Apache Kafka, KIP-98 Exactly Once Delivery and Transactional Messaging; KIP-447",
    },
    Term {
        term: "transactional id",
        definition: "A stable name for a Kafka producer across restarts. Initialising it bumps the epoch, finishes or aborts the previous instance's open transaction and fences the old instance: a zombie that writes later gets ProducerFenced.",
        source: "Apache Kafka, KIP-98; producer configuration transactional.id",
    },
    Term {
        term: "checkpoint",
        definition: "A consistent snapshot of a Flink job's state and source offsets, triggered by barriers flowing through the job at an interval; on failure the job restores the last completed checkpoint.",
        source: "Apache Flink documentation, Checkpointing",
    },
    Term {
        term: "two-phase commit",
        definition: "Flink's exactly-once sink pre-commits its open transaction when a checkpoint is taken and commits it when the checkpoint completes; on restore it commits pre-committed transactions and aborts the open one. If the job is down longer than the transaction timeout, the broker aborts a pre-committed transaction and its records are lost.",
        source: "Apache Flink documentation, TwoPhaseCommitSinkFunction and the Kafka sink",
    },
    Term {
        term: "saga",
        definition: "A sequence of local transactions across services; when a step fails, compensating transactions undo the steps already done, semantically (a refund, not an erased charge).",
        source: "Garcia-Molina and Salem, Sagas (1987); microservices.io, Saga pattern",
    },
    Term {
        term: "pivot",
        definition: "The step of a saga after which it can no longer be compensated: steps before it are compensable, steps after it must be retried until they succeed, and so must be idempotent.",
        source: "C. Richardson, Microservices Patterns (2018), chapter 4 (compensatable, pivot and retriable transactions); Azure Architecture Center, Saga distributed transactions pattern",
    },
    Term {
        term: "compensation",
        definition: "The transaction that semantically undoes a completed saga step, such as a refund for a charge or a release for a reservation. Compensations are retried too, so they must be idempotent.",
        source: "Garcia-Molina and Salem, Sagas (1987); Azure Architecture Center, Compensating Transaction pattern",
    },
    Term {
        term: "read_committed",
        definition: "A Kafka consumer's isolation level that reads only up to the last stable offset and skips records of aborted transactions. The default, read_uncommitted, also returns records of open and aborted transactions.",
        source: "Apache Kafka documentation, consumer configuration isolation.level",
    },
    Term {
        term: "zombie fencing",
        definition: "When a producer starts with a transactional.id, the coordinator bumps the id's epoch and aborts its open transaction; an older instance with that id (a zombie that was paused) is refused with ProducerFenced at its next write or commit.",
        source: "KIP-98, Exactly Once Delivery and Transactional Messaging; Apache Kafka documentation, transactional.id",
    },
    Term {
        term: "transaction timeout",
        definition: "transaction.timeout.ms: the coordinator aborts a transaction open longer than this (60 s by default); the broker refuses a producer asking for more than transaction.max.timeout.ms (15 min). Flink's Kafka sink asks for 1 h by default.",
        source: "Apache Kafka documentation, producer and broker configuration; Apache Flink documentation, Kafka connector, fault tolerance",
    },
];

/// A term by name, ignoring case.
pub fn term(name: &str) -> Option<&'static Term> {
    GLOSSARY.iter().find(|t| t.term.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_is_defined_once_with_a_source() {
        for (i, t) in GLOSSARY.iter().enumerate() {
            assert!(
                t.definition.len() > 40 && !t.source.is_empty(),
                "{}",
                t.term
            );
            assert_eq!(term(t.term).map(|found| found.term), Some(t.term));
            assert!(
                GLOSSARY[..i]
                    .iter()
                    .all(|o| !o.term.eq_ignore_ascii_case(t.term)),
                "{} twice",
                t.term
            );
        }
    }
}
