package io.waferflow.stores.online;

/**
 * One row of the online store: the full contents of a Redis hash ({@code HSET key field value ...}, then {@code EXPIRE
 * key ttl}). Full values, never increments, so writing it again (a replay, a retry) changes nothing. The unit the
 * {@link OnlineStoreWriter} keeps while Redis is away. A Flink POJO.
 */
public class RedisHashWrite {

    public String key;
    public String[] fields;
    public String[] values;
    public int ttlSeconds;
    /** End of the window the row describes (epoch millis): how fresh the served features are. */
    public long windowEnd;

    public RedisHashWrite() {}

    public RedisHashWrite(String key, String[] fields, String[] values, int ttlSeconds, long windowEnd) {
        this.key = key;
        this.fields = fields;
        this.values = values;
        this.ttlSeconds = ttlSeconds;
        this.windowEnd = windowEnd;
    }
}
