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
 * The online store's row write, {@link #WRITE_ROWS}, sent for a batch of rows over one connection in one pipeline. The
 * script is called by its SHA-1 (EVALSHA: the script's text is not resent with every call); a server that does not know
 * it yet (first use, a restart, {@code SCRIPT FLUSH}) answers NOSCRIPT, and those rows are sent again after loading it.
 * One call writes up to {@code rowsPerCall} rows: a script call has a fixed cost in Redis (about half of a one-row
 * call's time, BENCHMARKS.md), so a standalone server takes {@link #ROWS_PER_CALL} rows a call; a cluster node takes
 * one (the keys of one call must share a hash slot there).
 */
final class RowScript {

    /**
     * Rows per script call where every key may go in one call (standalone and sentinel): Redis runs a call without
     * pause, so a reader waits at most one call's time (50 rows: well under a millisecond).
     */
    static final int ROWS_PER_CALL = 50;

    /**
     * Rows, each atomically: unless the stored row is of a later window (or a later revision of the same window), every
     * field in one HSET and the TTL, so a reader never sees fields of two windows and a replay after a failover, or a
     * lagging writer, cannot bring an older window back. KEYS: the rows' hashes; ARGV, per key in turn: TTL seconds,
     * the row's window end and revision ('' where the row has none), the number of fields, then field, value pairs.
     * Returns per key 1 if written, 0 if the stored row is newer. Redis numbers are doubles: epoch millis are exact in
     * them.
     */
    static final String WRITE_ROWS = """
            local written, a = {}, 1
            for k = 1, #KEYS do
              local ttl, newEnd, newRevision = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
              local first = a + 4
              a = first + 2 * tonumber(ARGV[a + 3])
              written[k] = 1
              local stored = redis.call('HMGET', KEYS[k], 'window_end', 'revision')
              local storedEnd, storedRevision = tonumber(stored[1]), tonumber(stored[2])
              if storedEnd and newEnd and (storedEnd > newEnd or (storedEnd == newEnd and storedRevision
                  and newRevision and storedRevision > newRevision)) then
                written[k] = 0
              else
                redis.call('HSET', KEYS[k], unpack(ARGV, first, a - 1))
                redis.call('EXPIRE', KEYS[k], ttl)
              end
            end
            return written
            """;

    static final String SHA = sha1(WRITE_ROWS);
    private static final byte[] SHA_BYTES = SHA.getBytes(StandardCharsets.US_ASCII);

    private RowScript() {}

    /**
     * Writes the rows over {@code jedis} in one round trip (two when the server must load the script first), up to
     * {@code rowsPerCall} rows a script call.
     *
     * @param written per row, set: true if written, false if the server holds a newer row of the key
     * @return the rows the server redirected (MOVED, ASK: a cluster node that does not hold the key's slot), unwritten
     * @throws redis.clients.jedis.exceptions.JedisException on a lost connection or a refusal
     */
    static List<Integer> writeAll(Jedis jedis, List<RedisHashWrite> rows, int rowsPerCall, boolean[] written) {
        List<Integer> redirected = new ArrayList<>();
        List<Integer> unknownScript = send(jedis, rows, allIndexes(rows.size()), rowsPerCall, written, redirected);
        if (!unknownScript.isEmpty()) {
            jedis.scriptLoad(WRITE_ROWS);
            if (!send(jedis, rows, unknownScript, rowsPerCall, written, redirected)
                    .isEmpty()) {
                throw new IllegalStateException("Redis " + jedis.getClient().getHost() + ":"
                        + jedis.getClient().getPort() + " does not keep the row script loaded");
            }
        }
        return redirected;
    }

    /** Sends rows {@code which} in one pipeline; returns those the server answered NOSCRIPT for. */
    private static List<Integer> send(
            Jedis jedis,
            List<RedisHashWrite> rows,
            List<Integer> which,
            int rowsPerCall,
            boolean[] written,
            List<Integer> redirected) {
        Pipeline pipeline = jedis.pipelined();
        List<List<Integer>> calls = new ArrayList<>();
        List<Response<Object>> answers = new ArrayList<>();
        for (int from = 0; from < which.size(); from += rowsPerCall) {
            List<Integer> call = which.subList(from, Math.min(which.size(), from + rowsPerCall));
            calls.add(call);
            answers.add(pipeline.evalsha(SHA_BYTES, call.size(), keysAndArguments(rows, call)));
        }
        pipeline.sync();
        List<Integer> unknownScript = new ArrayList<>();
        for (int c = 0; c < answers.size(); c++) {
            List<Integer> call = calls.get(c);
            try {
                List<?> perRow = (List<?>) answers.get(c).get();
                for (int r = 0; r < call.size(); r++) {
                    written[call.get(r)] = Long.valueOf(1).equals(perRow.get(r));
                }
            } catch (JedisNoScriptException e) {
                unknownScript.addAll(call);
            } catch (JedisRedirectionException e) {
                redirected.addAll(call);
            }
        }
        return unknownScript;
    }

    /**
     * The rows' keys, then each row's {@link #arguments}, as UTF-8 bytes encoded here: Jedis 3 encodes each String
     * argument through a charset it looks up by name, which was the writer's largest cost in a profile.
     */
    private static byte[][] keysAndArguments(List<RedisHashWrite> rows, List<Integer> call) {
        int size = call.size();
        for (int i : call) {
            size += 4 + 2 * rows.get(i).fields.length;
        }
        byte[][] p = new byte[size][];
        int k = 0;
        int a = call.size();
        for (int i : call) {
            RedisHashWrite w = rows.get(i);
            p[k++] = w.key.getBytes(StandardCharsets.UTF_8);
            for (String arg : arguments(w)) {
                p[a++] = arg.getBytes(StandardCharsets.UTF_8);
            }
        }
        return p;
    }

    /** A row's arguments to {@link #WRITE_ROWS}: TTL, window end, revision, the number of fields, the fields. */
    static List<String> arguments(RedisHashWrite w) {
        List<String> args = new ArrayList<>(4 + 2 * w.fields.length);
        args.add(Integer.toString(w.ttlSeconds));
        args.add(Long.toString(w.windowEnd));
        args.add(valueOf(w, OnlineKeys.REVISION));
        args.add(Integer.toString(w.fields.length));
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
