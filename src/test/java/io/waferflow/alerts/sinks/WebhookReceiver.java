package io.waferflow.alerts.sinks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on a free loopback port that records every request and answers as a test script says (status,
 * optional delay, body), given the request and how many earlier requests carried the same Idempotency-Key.
 */
public final class WebhookReceiver implements AutoCloseable {

    /**
     * One received request; {@code attempt} is 1 for the first request with its Idempotency-Key; {@code headers} by
     * lower-case name.
     */
    public record Request(
            String method,
            String idempotencyKey,
            String contentType,
            String body,
            int attempt,
            Map<String, List<String>> headers) {

        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** The answer: status, a delay before answering (to provoke client timeouts), extra header, body. */
    public record Response(int status, long delayMillis, String header, String headerValue, String body) {
        public static Response status(int status) {
            return new Response(status, 0, null, null, "");
        }

        public static Response status(int status, String body) {
            return new Response(status, 0, null, null, body);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    private final Function<Request, Response> script;

    public WebhookReceiver(Function<Request, Response> script) throws IOException {
        this.script = script;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        int attempt = attempts.merge(key == null ? "" : key, 1, Integer::sum);
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders()
                .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        Request request = new Request(
                exchange.getRequestMethod(),
                key,
                exchange.getRequestHeaders().getFirst("Content-Type"),
                body,
                attempt,
                headers);
        synchronized (requests) {
            requests.add(request);
        }
        Response response = script.apply(request);
        try {
            if (response.delayMillis() > 0) {
                Thread.sleep(response.delayMillis());
            }
            if (response.header() != null) {
                exchange.getResponseHeaders().add(response.header(), response.headerValue());
            }
            byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client gave up (timeout) and closed the connection: expected in timeout tests.
        } finally {
            exchange.close();
        }
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
