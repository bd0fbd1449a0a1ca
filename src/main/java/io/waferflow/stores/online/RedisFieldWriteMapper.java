package io.waferflow.stores.online;

import org.apache.flink.streaming.connectors.redis.common.mapper.RedisCommand;
import org.apache.flink.streaming.connectors.redis.common.mapper.RedisCommandDescription;
import org.apache.flink.streaming.connectors.redis.common.mapper.RedisMapper;

import java.util.Optional;

/** Maps a {@link RedisFieldWrite} onto Bahir's HSET, with the hash key and TTL taken from the record. */
public class RedisFieldWriteMapper implements RedisMapper<RedisFieldWrite> {

    private static final long serialVersionUID = 1L;

    @Override
    public RedisCommandDescription getCommandDescription() {
        // Bahir insists on a default hash key for HSET; every record names its own through getAdditionalKey.
        return new RedisCommandDescription(RedisCommand.HSET, "waferflow:unused");
    }

    @Override
    public String getKeyFromData(RedisFieldWrite w) {
        return w.field;
    }

    @Override
    public String getValueFromData(RedisFieldWrite w) {
        return w.value;
    }

    @Override
    public Optional<String> getAdditionalKey(RedisFieldWrite w) {
        return Optional.of(w.key);
    }

    @Override
    public Optional<Integer> getAdditionalTTL(RedisFieldWrite w) {
        return Optional.ofNullable(w.ttlSeconds);
    }
}
