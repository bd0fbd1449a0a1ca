package io.waferflow.stores.online;

/**
 * One {@code HSET key field value}, optionally followed by {@code EXPIRE key ttl}: the unit of work of the Bahir
 * Redis sink, which writes one field per record. A Flink POJO.
 */
public class RedisFieldWrite {

    public String key;
    public String field;
    public String value;
    /** Set on the last field of a row only, so each row costs one EXPIRE, not one per field. */
    public Integer ttlSeconds;

    public RedisFieldWrite() {}

    public RedisFieldWrite(String key, String field, String value, Integer ttlSeconds) {
        this.key = key;
        this.field = field;
        this.value = value;
        this.ttlSeconds = ttlSeconds;
    }
}
