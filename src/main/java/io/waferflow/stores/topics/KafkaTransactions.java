package io.waferflow.stores.topics;

import java.time.Duration;

/**
 * The transaction timeout of the job's exactly-once Kafka sinks (violations, alerts). A transaction is pre-committed
 * at a checkpoint barrier and committed when the checkpoint completes; if that takes longer than the timeout the
 * broker aborts it and its records are lost. So the timeout must exceed the checkpoint interval plus anything that
 * can hold a checkpoint back (a webhook retrying a slow receiver), and stay below the broker's
 * {@code transaction.max.timeout.ms} (15 min by default; the client's default of 1 h is refused). After a crash,
 * read_committed readers wait at most this long before the restarted job aborts the open transactions.
 */
public final class KafkaTransactions {

    public static final Duration TIMEOUT = Duration.ofMinutes(10);

    private KafkaTransactions() {}

    public static String timeoutMillis() {
        return Long.toString(TIMEOUT.toMillis());
    }
}
