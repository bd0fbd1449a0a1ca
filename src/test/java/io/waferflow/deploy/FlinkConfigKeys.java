package io.waferflow.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * The cluster configuration keys Flink 1.20 knows, by their current names (a deprecated name still works in 1.20 but is
 * gone in 2.x). Flink ignores an unknown key without a word, so a typo in a config file goes unnoticed until the
 * setting is missed.
 */
final class FlinkConfigKeys {

    /** The Prometheus reporter's name in flink-conf/config.yaml: its settings are {@code metrics.reporter.prom.*}. */
    static final String PROMETHEUS_REPORTER = "metrics.reporter.prom.";

    private FlinkConfigKeys() {}

    static Set<String> known() {
        Set<String> keys = new HashSet<>();
        for (Class<?> options : List.of(
                CoreOptions.class,
                JobManagerOptions.class,
                TaskManagerOptions.class,
                CheckpointingOptions.class,
                StateBackendOptions.class,
                RestartStrategyOptions.class,
                RestOptions.class)) {
            keys.addAll(currentKeys(options));
        }
        // Reporter settings are per reporter name: Flink's factory.class, and the Prometheus reporter's own port.
        keys.add(PROMETHEUS_REPORTER + MetricOptions.REPORTER_FACTORY_CLASS.key());
        keys.add(PROMETHEUS_REPORTER + "port");
        return keys;
    }

    private static Set<String> currentKeys(Class<?> options) {
        Set<String> keys = new HashSet<>();
        for (Field f : options.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
                try {
                    keys.add(((ConfigOption<?>) f.get(null)).key());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return keys;
    }
}
