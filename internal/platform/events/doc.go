// Package events is muni's event bus with a transactional outbox. A
// service publishes inside the transaction of its change (Outbox.Publish);
// the event is delivered only after that transaction commits, at least
// once, to consumers that record what they processed (Idempotent) and so
// take effect once.
//
// The pieces:
//
//   - Outbox stores events in the publishing transaction (event_outbox).
//   - Relay moves committed rows to a Bus in seq order, marks them
//     published, retries with back-off and purges old rows; Drain flushes
//     what is pending at shutdown.
//   - Bus delivers to subscribers: InProcess (the default; handlers run in
//     the relay's goroutine and a failing one gets a row in event_retry and
//     is retried on its own schedule, so it holds no other consumer back)
//     or NATS JetStream (one stream, a durable consumer per subscription
//     shared by every instance, explicit ack, delayed redelivery on handler
//     error).
//   - Idempotent records (consumer, event id) in event_processed in the
//     handler's own transaction and skips events already seen.
//   - OutboxCollector and PoolCollector export outbox lag, waiting retries
//     and database pool statistics to Prometheus.
//
// Order: events reach a consumer in outbox (seq) order, except that a
// retried delivery comes after the events published meanwhile, on both
// buses. Retention: published outbox rows and consumer records go after
// RelayOptions.Retention (7 days); the NATS stream keeps events as long.
package events
