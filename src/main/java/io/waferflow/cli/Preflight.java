package io.waferflow.cli;

import io.waferflow.config.ConfigException;
import io.waferflow.config.FeaturesJobConfig;
import io.waferflow.ingest.KafkaInput;
import io.waferflow.stores.online.RedisClients;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * What a job needs outside Flink, checked before it is submitted: a job pointed at a broker or Redis that does not
 * answer would otherwise retry quietly for ever. Each failure names the configuration key to fix.
 */
public final class Preflight {

    private static final int TIMEOUT_SECONDS = 10;

    private Preflight() {}

    /** The broker answers and the input topic exists, and with {@code outputs} the topics the job writes to. */
    public static void kafka(FeaturesJobConfig c, boolean outputs) {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put("kafka.input_topic", c.inputTopic());
        if (outputs) {
            outputTopics(c, topics);
        }
        kafka(c, topics);
    }

    /** The broker answers and the topics the job writes to exist (a job that reads no topic: STDF files). */
    public static void kafkaOutputs(FeaturesJobConfig c) {
        Map<String, String> topics = new LinkedHashMap<>();
        outputTopics(c, topics);
        kafka(c, topics);
    }

    /** The broker answers and the topics {@code ingest stdf} writes to exist: the input and violation topics. */
    public static void ingestKafka(FeaturesJobConfig c) {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put("kafka.input_topic", c.inputTopic());
        topics.put("kafka.violations_topic", c.violationsTopic());
        kafka(c, topics);
    }

    /** The broker answers and the monitor job's topics exist: predictions, actuals, and those it writes to. */
    public static void monitorKafka(FeaturesJobConfig c) {
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put("monitor.predictions_topic", c.monitor().predictionsTopic());
        topics.put("monitor.actuals_topic", c.monitor().actualsTopic());
        if (!c.monitor().retrainTopic().isEmpty()) {
            topics.put("monitor.retrain_topic", c.monitor().retrainTopic());
        }
        outputTopics(c, topics);
        kafka(c, topics);
    }

    private static void outputTopics(FeaturesJobConfig c, Map<String, String> topics) {
        topics.put("kafka.violations_topic", c.violationsTopic());
        if (c.alerts().enabled() && !c.alerts().kafkaTopic().isEmpty()) {
            topics.put("alerts.sinks.kafka_topic", c.alerts().kafkaTopic());
        }
    }

    private static void kafka(FeaturesJobConfig c, Map<String, String> topics) {
        try (Admin admin = KafkaInput.admin(c)) {
            try {
                admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new ConfigException(
                        "kafka.bootstrap_servers",
                        "no Kafka broker answered at " + c.kafkaBootstrapServers() + " within " + TIMEOUT_SECONDS
                                + " s (" + cause(e) + ")",
                        "start the broker, or set the key to host:port of a broker this machine reaches");
            }
            for (Map.Entry<String, String> t : topics.entrySet()) {
                try {
                    admin.describeTopics(List.of(t.getValue())).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        throw new ConfigException(
                                t.getKey(),
                                "topic '" + t.getValue() + "' does not exist on " + c.kafkaBootstrapServers(),
                                "create it (kafka-topics.sh --create --topic " + t.getValue() + ") or correct the key");
                    }
                    throw new ConfigException(
                            t.getKey(),
                            "topic '" + t.getValue() + "' cannot be described (" + cause(e) + ")",
                            "check the broker's logs and this client's permissions");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new ConfigException(
                            t.getKey(),
                            "the broker did not describe topic '" + t.getValue() + "' within " + TIMEOUT_SECONDS + " s",
                            "check the broker");
                }
            }
        }
    }

    /** Redis answers a PING. */
    public static void redis(FeaturesJobConfig c) {
        try (Jedis jedis = RedisClients.jedis(c.redisConnection())) {
            jedis.ping();
        } catch (JedisDataException e) {
            // The server answered: refused credentials (NOAUTH, WRONGPASS, NOPERM), whose messages hold no secret.
            throw new ConfigException(
                    "redis.password",
                    "Redis at " + c.redisHost() + ":" + c.redisPort() + " refused the connection's credentials ("
                            + cause(e) + ")",
                    "set redis.user and redis.password (e.g. ${env:REDIS_PASSWORD}) to an account the server knows");
        } catch (RuntimeException e) {
            throw new ConfigException(
                    "redis.host",
                    "no Redis answered at " + c.redisHost() + ":" + c.redisPort() + " (" + cause(e) + ")",
                    "start Redis, or correct redis.host and redis.port (and redis.tls)");
        }
    }

    private static String cause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
