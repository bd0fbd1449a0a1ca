package io.waferflow.alerts.sinks;

import io.waferflow.alerts.Alert;
import io.waferflow.alerts.AlertSeverity;
import io.waferflow.alerts.AlertStatus;
import io.waferflow.model.AlertFacts;
import java.util.stream.Collectors;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each alert as one readable line to the log (logger {@code io.waferflow.alerts.sinks.LogSink}): WARN for a
 * firing P0–P2, INFO for P3 and for every resolution. For a local run or a TaskManager log, not a delivery channel:
 * like the webhook, a failover repeats the alerts after the last checkpoint, and the line carries the notification id
 * to tell a repeat from a new notification. Stateless.
 */
public final class LogSink implements Sink<Alert> {

    private static final long serialVersionUID = 1L;

    /** Flink 1.20 still declares this one abstract; it calls the other in newer releases. */
    @Override
    @Deprecated
    public SinkWriter<Alert> createWriter(InitContext context) {
        return new Writer();
    }

    @Override
    public SinkWriter<Alert> createWriter(WriterInitContext context) {
        return new Writer();
    }

    /**
     * {@code [P1 FIRING] drift:vdd: Vdd drifting | feature=vdd, PSI=0.31, ... | first seen=..., occurrences=3 | runbook
     * docs/runbooks/drift.md | notification <id>}.
     */
    public static String line(Alert a) {
        StringBuilder sb = new StringBuilder();
        sb.append('[')
                .append(a.severity)
                .append(' ')
                .append(a.status)
                .append(a.escalated ? " escalated" : "")
                .append("] ")
                .append(a.key)
                .append(": ")
                .append(a.title == null ? "" : a.title);
        String numbers = AlertFacts.numbers(a).stream()
                .map(f -> f.label() + "=" + f.value())
                .collect(Collectors.joining(", "));
        if (!numbers.isEmpty()) {
            sb.append(" | ").append(numbers);
        }
        sb.append(" | ")
                .append(AlertFacts.episode(a).stream()
                        .map(f -> f.label() + "=" + f.value())
                        .collect(Collectors.joining(", ")));
        if (a.runbook != null) {
            sb.append(" | runbook ").append(a.runbook);
        }
        sb.append(" | notification ").append(a.notificationId);
        return sb.toString();
    }

    static boolean isWarning(Alert a) {
        return a.status == AlertStatus.FIRING && a.severity != null && a.severity != AlertSeverity.P3;
    }

    static final class Writer implements SinkWriter<Alert> {

        private static final Logger LOG = LoggerFactory.getLogger(LogSink.class);

        @Override
        public void write(Alert alert, Context context) {
            if (isWarning(alert)) {
                LOG.warn("{}", line(alert));
            } else {
                LOG.info("{}", line(alert));
            }
        }

        @Override
        public void flush(boolean endOfInput) {
            // Nothing buffered.
        }

        @Override
        public void close() {
            // Nothing to release.
        }
    }
}
