package io.waferflow.config;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * What every Kafka client of WaferFlow needs to reach the cluster: {@code kafka.bootstrap_servers} plus the
 * {@code kafka.properties.*} pass-through (security and tuning: {@code security.protocol}, {@code sasl.mechanism},
 * {@code sasl.jaas.config}, {@code ssl.truststore.location}, ...), given unchanged to the job's source and sinks, the
 * admin clients that look up partitions and the CLI's consumer. One place, so no client connects without them.
 *
 * <p>Keys the job sets itself are refused (they would break exactly-once or the consumer group), and so are keys no
 * Kafka client knows (a typo would otherwise only be logged by Kafka as "unused"). Values of password-type keys print
 * masked ({@link SecretKeys}).
 */
public final class KafkaClientSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Pass-through keys the job owns, with the key to use instead. */
    private static final Map<String, String> OWNED = Map.of(
            "bootstrap.servers", "kafka.bootstrap_servers",
            "group.id", "kafka.group_id",
            "transactional.id", "kafka.sink_epoch (the job derives its transactional ids)",
            "transaction.timeout.ms", "nothing: the job sets it below the broker's maximum",
            "key.serializer", "nothing: the job sets it",
            "value.serializer", "nothing: the job sets it",
            "key.deserializer", "nothing: the job sets it",
            "value.deserializer", "nothing: the job sets it");

    private static final List<ConfigDef> CLIENTS =
            List.of(ConsumerConfig.configDef(), ProducerConfig.configDef(), AdminClientConfig.configDef());

    private final String bootstrapServers;
    /** Sorted, so the clients and the masked listing see them in a stable order. */
    private final TreeMap<String, String> properties;

    private KafkaClientSettings(String bootstrapServers, TreeMap<String, String> properties) {
        this.bootstrapServers = bootstrapServers;
        this.properties = properties;
    }

    /** Only the bootstrap servers: a cluster without security (tests, local tooling). */
    public static KafkaClientSettings plain(String bootstrapServers) {
        return new KafkaClientSettings(bootstrapServers, new TreeMap<>());
    }

    /** The pass-through of the configuration with other bootstrap servers (a CLI's {@code --bootstrap}). */
    public static KafkaClientSettings from(RawConfig raw, String bootstrapServers) {
        return of(bootstrapServers, raw.bind("kafka.properties", new TypeReference<Map<String, String>>() {}));
    }

    /** The bootstrap servers and a checked pass-through (the keys without the {@code kafka.properties.} prefix). */
    static KafkaClientSettings of(String bootstrapServers, Map<String, String> passThrough) {
        TreeMap<String, String> properties = new TreeMap<>(passThrough);
        for (String key : properties.keySet()) {
            String configKey = SecretKeys.KAFKA_PROPERTIES + key;
            if (OWNED.containsKey(key)) {
                throw new ConfigException(configKey, "is set by the job", "use " + OWNED.get(key));
            }
            if (CLIENTS.stream().noneMatch(d -> d.configKeys().containsKey(key))) {
                throw new ConfigException(
                        configKey,
                        "is not a Kafka consumer, producer or admin client setting",
                        Nearest.to(
                                        key,
                                        CLIENTS.stream()
                                                .flatMap(d -> d.names().stream())
                                                .distinct()
                                                .toList())
                                .map(near -> "did you mean '" + SecretKeys.KAFKA_PROPERTIES + near + "'?")
                                .orElse("check the spelling against the Kafka client documentation (e.g."
                                        + " security.protocol, sasl.mechanism, sasl.jaas.config,"
                                        + " ssl.truststore.location)"));
            }
        }
        return new KafkaClientSettings(bootstrapServers, properties);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The pass-through settings, without the bootstrap servers. */
    public Map<String, String> passThrough() {
        return Collections.unmodifiableMap(properties);
    }

    /** A new {@link Properties} for a Kafka client: the pass-through and the bootstrap servers. */
    public Properties clientProperties() {
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /** Bootstrap servers and pass-through keys; the values of secret keys masked. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(bootstrapServers);
        properties.forEach((k, v) -> out.append(' ')
                .append(k)
                .append('=')
                .append(SecretKeys.shownValue(SecretKeys.KAFKA_PROPERTIES + k, v)));
        return out.toString();
    }
}
