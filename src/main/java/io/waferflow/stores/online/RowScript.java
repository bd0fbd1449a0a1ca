package io.waferflow.stores.online;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * The online store's row write, {@link #WRITE_ROW}, sent for a batch of rows over one connection in one pipeline. The
 * script is called by its SHA-1 (EVALSHA: the script's text is not resent with every row); a server that does not know
 * it yet (first use, a restart, {@code SCRIPT FLUSH}) answers NOSCRIPT, and those rows are sent again after loading it.
 */
final class RowScript {

    /**
     * One row, atomically: unless the stored row is of a later window (or a later revision of the same window), every
     * field in one HSET and the TTL, so a reader never sees fields of two windows and a replay after a failover, or a
     * lagging writer, cannot bring an older window back. KEYS[1]: the hash (the only key touched, so it runs on a
     * cluster too); ARGV: TTL seconds, the row's window end and revision ('' where the row has none), then field, value
     * pairs. Returns 1 if written, 0 if the stored row is newer. Redis numbers are doubles: epoch millis are exact in
     * them.
     */
    static final String WRITE_ROW = """
            local stored = redis.call('HMGET', KEYS[1], 'window_end', 'revision')
            local storedEnd, newEnd = tonumber(stored[1]), tonumber(ARGV[2])
            if storedEnd and newEnd then
              if storedEnd > newEnd then return 0 end
              local storedRevision, newRevision = tonumber(stored[2]), tonumber(ARGV[3])
              if storedEnd == newEnd and storedRevision and newRevision and storedRevision > newRevision then
                return 0
              end
            end
            redis.call('HSET', KEYS[1], unpack(ARGV, 4))
            redis.call('EXPIRE', KEYS[1], ARGV[1])
            return 1
            """;

    static final String SHA = sha1(WRITE_ROW);
    private static final byte[] SHA_BYTES = SHA.getBytes(StandardCharsets.US_ASCII);

    private RowScript() {}

    /**
     * Writes the rows over {@code jedis} in one round trip (two when the server must load the script first).
     *
     * @param written per row, set: true if written, false if the server holds a newer row of the key
     * @return the rows the server redirected (MOVED, ASK: a cluster node that does not hold the key's slot), unwritten
     * @throws redis.clients.jedis.exceptions.JedisException on a lost connection or a refusal
     */
    static List<Integer> writeAll(Jedis jedis, List<RedisHashWrite> rows, boolean[] written) {
        List<Integer> redirected = new ArrayList<>();
        List<Integer> unknownScript = send(jedis, rows, allIndexes(rows.size()), written, redirected);
        if (!unknownScript.isEmpty()) {
            jedis.scriptLoad(WRITE_ROW);
            if (!send(jedis, rows, unknownScript, written, redirected).isEmpty()) {
                throw new IllegalStateException("Redis " + jedis.getClient().getHost() + ":"
                        + jedis.getClient().getPort() + " does not keep the row script loaded");
            }
        }
        return redirected;
    }

    /** Sends rows {@code which} in one pipeline; returns those the server answered NOSCRIPT for. */
    private static List<Integer> send(
            Jedis jedis, List<RedisHashWrite> rows, List<Integer> which, boolean[] written, List<Integer> redirected) {
        Pipeline pipeline = jedis.pipelined();
        List<Response<Object>> answers = new ArrayList<>(which.size());
        for (int i : which) {
            answers.add(pipeline.evalsha(SHA_BYTES, 1, keyAndArguments(rows.get(i))));
        }
        pipeline.sync();
        List<Integer> unknownScript = new ArrayList<>();
        for (int a = 0; a < answers.size(); a++) {
            try {
                written[which.get(a)] = Long.valueOf(1).equals(answers.get(a).get());
            } catch (JedisNoScriptException e) {
                unknownScript.add(which.get(a));
            } catch (JedisRedirectionException e) {
                redirected.add(which.get(a));
            }
        }
        return unknownScript;
    }

    /**
     * The key and {@link #arguments} as UTF-8 bytes, encoded here: Jedis 3 encodes each String argument through a
     * charset looked up by name, which was the writer's largest cost in a profile ({@code bench --online-writes}).
     */
    private static byte[][] keyAndArguments(RedisHashWrite w) {
        byte[][] p = new byte[4 + 2 * w.fields.length][];
        p[0] = w.key.getBytes(StandardCharsets.UTF_8);
        p[1] = Integer.toString(w.ttlSeconds).getBytes(StandardCharsets.US_ASCII);
        p[2] = Long.toString(w.windowEnd).getBytes(StandardCharsets.US_ASCII);
        p[3] = valueOf(w, OnlineKeys.REVISION).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < w.fields.length; i++) {
            p[4 + 2 * i] = w.fields[i].getBytes(StandardCharsets.UTF_8);
            p[5 + 2 * i] = (w.values[i] == null ? "" : w.values[i]).getBytes(StandardCharsets.UTF_8);
        }
        return p;
    }

    static List<String> arguments(RedisHashWrite w) {
        List<String> args = new ArrayList<>(3 + 2 * w.fields.length);
        args.add(Integer.toString(w.ttlSeconds));
        args.add(Long.toString(w.windowEnd));
        args.add(valueOf(w, OnlineKeys.REVISION));
        for (int i = 0; i < w.fields.length; i++) {
            args.add(w.fields[i]);
            args.add(w.values[i] == null ? "" : w.values[i]);
        }
        return args;
    }

    private static String valueOf(RedisHashWrite w, String field) {
        for (int i = 0; i < w.fields.length; i++) {
            if (w.fields[i].equals(field)) {
                return w.values[i];
            }
        }
        return "";
    }

    private static List<Integer> allIndexes(int n) {
        List<Integer> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
