package io.waferflow.config;

import java.util.List;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Which configuration keys hold secrets, so their values are masked wherever the configuration is shown. A key is
 * secret if Flink would hide it ({@link GlobalConfiguration#isSensitive}: names containing password, secret, token,
 * apikey, jaas.config, ...) or, for a {@code kafka.properties.*} pass-through, if the Kafka clients declare it a
 * password ({@code ssl.keystore.key}, {@code ssl.truststore.certificates} and the like are not named so).
 */
public final class SecretKeys {

    public static final String KAFKA_PROPERTIES = "kafka.properties.";

    private static final List<ConfigDef> KAFKA_CLIENTS =
            List.of(ConsumerConfig.configDef(), ProducerConfig.configDef(), AdminClientConfig.configDef());

    private SecretKeys() {}

    public static boolean isSecret(String key) {
        if (GlobalConfiguration.isSensitive(key)) {
            return true;
        }
        if (key.startsWith(KAFKA_PROPERTIES)) {
            String kafkaKey = key.substring(KAFKA_PROPERTIES.length());
            return KAFKA_CLIENTS.stream()
                    .map(d -> d.configKeys().get(kafkaKey))
                    .anyMatch(k -> k != null && k.type == ConfigDef.Type.PASSWORD);
        }
        return false;
    }

    /**
     * A {@code key=value} override as it may be shown (an error message, a log line): the value of a secret key masked,
     * unless it is a reference ({@code ${env:NAME}}), which is safe to show and says where the value is from.
     */
    public static String shownOverride(String override) {
        int eq = override.indexOf('=');
        if (eq <= 0) {
            return override;
        }
        String key = override.substring(0, eq).trim();
        String value = override.substring(eq + 1).trim();
        return key + "=" + shownValue(key, value);
    }

    /** A raw (unresolved) value as it may be shown: see {@link #shownOverride}. */
    public static String shownValue(String key, String rawValue) {
        if (rawValue == null || rawValue.isEmpty() || !isSecret(key) || ConfigReferences.isReference(rawValue)) {
            return rawValue;
        }
        return GlobalConfiguration.HIDDEN_CONTENT;
    }
}
