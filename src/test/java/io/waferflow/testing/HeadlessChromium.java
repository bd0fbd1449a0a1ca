package io.waferflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads a page in headless Chromium (Debian's {@code chromium}, which {@code .ci/run} installs), as a person's browser
 * would: the DOM after loading ({@code --dump-dom}), the console messages the page logged (Chromium's log at
 * {@code --v=0} has one {@code :CONSOLE} line per message, errors and uncaught exceptions included), and a screenshot.
 * Tests that use it fail, not skip, where Chromium is missing: what a person sees is the point of those tests.
 */
public final class HeadlessChromium {

    private static final long TIMEOUT_SECONDS = 120;

    /** The page as loaded: its serialized DOM and every console message it logged. */
    public record Page(String dom, List<String> console) {

        /** How many times {@code needle} occurs in the DOM. */
        public int count(String needle) {
            int n = 0;
            for (int i = dom.indexOf(needle); i >= 0; i = dom.indexOf(needle, i + needle.length())) {
                n++;
            }
            return n;
        }
    }

    private final Path chromium;
    private final Path work;

    /** A browser with its own profile and logs under {@code work}. */
    public HeadlessChromium(Path work) throws IOException {
        this.chromium = executable();
        this.work = Files.createDirectories(work);
    }

    /** {@code /usr/bin/chromium}, else {@code chromium} on the PATH; fails the test naming the fix when neither is. */
    public static Path executable() {
        Path debian = Path.of("/usr/bin/chromium");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        return Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .map(d -> Path.of(d, "chromium"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "chromium is not installed: apt-get install chromium (.ci/run installs it)"));
    }

    /** Loads {@code url} and returns the DOM after loading and the console messages. */
    public Page load(URI url) throws IOException, InterruptedException {
        Path dom = work.resolve("dom.html");
        Path log = work.resolve("chromium-dom.log");
        run(log, dom, "--enable-logging=stderr", "--v=0", "--dump-dom", url.toString());
        List<String> console = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.contains(":CONSOLE")) {
                console.add(line);
            }
        }
        return new Page(Files.readString(dom, StandardCharsets.UTF_8), console);
    }

    /** Saves a {@code width} × {@code height} screenshot of {@code url} to {@code png}. */
    public void screenshot(URI url, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(
                work.resolve("chromium-screenshot.log"),
                work.resolve("chromium-screenshot.out"),
                "--screenshot=" + png.toAbsolutePath(),
                "--window-size=" + width + "," + height,
                "--hide-scrollbars",
                url.toString());
    }

    /**
     * Opens {@code url} in a page that stays open, driven over the DevTools protocol, for a page that changes while a
     * person watches (the live page polls its server): the test evaluates expressions in it, waits for what a person
     * would wait for, and reads every console message, uncaught exception and browser log entry (a failed request, a
     * refused script) since the page opened.
     */
    public Session open(URI url, int width, int height) throws Exception {
        Process p = new ProcessBuilder(
                        chromium.toString(),
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--proxy-server=127.0.0.1:9",
                        "--user-data-dir=" + work.resolve("profile-session"),
                        "--remote-debugging-port=0",
                        "--window-size=" + width + "," + height,
                        "--hide-scrollbars",
                        "about:blank")
                .redirectErrorStream(true)
                .start();
        Session session;
        try {
            session = new Session(p);
        } catch (Exception | AssertionError e) {
            p.destroyForcibly();
            throw e;
        }
        try {
            session.navigate(url);
            return session;
        } catch (Exception | AssertionError e) {
            session.close();
            throw e;
        }
    }

    /** A page open in Chromium ({@link #open}); closing it ends the browser. */
    public static final class Session implements AutoCloseable {

        private static final ObjectMapper JSON = new ObjectMapper();
        private static final Duration ANSWER = Duration.ofSeconds(30);

        private final Process process;
        private final WebSocket socket;
        private final AtomicInteger ids = new AtomicInteger();
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final List<String> console = new CopyOnWriteArrayList<>();

        private Session(Process process) throws Exception {
            this.process = process;
            int port = devToolsPort(process);
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = JSON.readTree(http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            String page = null;
            for (JsonNode t : targets) {
                if ("page".equals(t.path("type").asText())) {
                    page = t.path("webSocketDebuggerUrl").asText();
                }
            }
            assertThat(page).as("a page target in " + targets).isNotNull();
            this.socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create(page), new Listener())
                    .get(ANSWER.toSeconds(), TimeUnit.SECONDS);
            send("Runtime.enable", Map.of());
            send("Log.enable", Map.of());
            send("Page.enable", Map.of());
        }

        /** The port from Chromium's "DevTools listening on ws://127.0.0.1:PORT/..."; its output is drained after. */
        private static int devToolsPort(Process p) throws IOException {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                Matcher m = Pattern.compile("DevTools listening on ws://[^:]+:(\\d+)/")
                        .matcher(line);
                if (m.find()) {
                    Thread drain = new Thread(
                            () -> {
                                try {
                                    while (out.readLine() != null) {
                                        // Chromium's own log: not the page's console (that comes over the protocol).
                                    }
                                } catch (IOException e) {
                                    // the browser ended
                                }
                            },
                            "chromium-output");
                    drain.setDaemon(true);
                    drain.start();
                    return Integer.parseInt(m.group(1));
                }
            }
            throw new AssertionError("chromium ended without a DevTools port");
        }

        private final class Listener implements WebSocket.Listener {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    String message = text.toString();
                    text.setLength(0);
                    take(message);
                }
                ws.request(1);
                return null;
            }
        }

        private void take(String message) {
            try {
                JsonNode m = JSON.readTree(message);
                if (m.has("id")) {
                    CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                    if (f != null) {
                        f.complete(m);
                    }
                    return;
                }
                String method = m.path("method").asText();
                JsonNode params = m.path("params");
                switch (method) {
                    case "Runtime.consoleAPICalled" ->
                        console.add("console." + params.path("type").asText() + ": " + params.path("args"));
                    case "Runtime.exceptionThrown" -> console.add("exception: " + params.path("exceptionDetails"));
                    case "Log.entryAdded" ->
                        console.add("log " + params.path("entry").path("level").asText() + ": "
                                + params.path("entry").path("text").asText() + " "
                                + params.path("entry").path("url").asText());
                    default -> {}
                }
            } catch (IOException e) {
                console.add("unreadable DevTools message: " + message);
            }
        }

        /** Sends one DevTools command and returns its {@code result}; fails on an error answer. */
        public JsonNode send(String method, Map<String, Object> params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            pending.put(id, answer);
            socket.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
                    .get(ANSWER.toSeconds(), TimeUnit.SECONDS);
            JsonNode m = answer.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
            assertThat(m.has("error")).as(method + ": " + m.path("error")).isFalse();
            return m.path("result");
        }

        /** Loads {@code url} and waits until the document has loaded. */
        public void navigate(URI url) throws Exception {
            send("Page.navigate", Map.of("url", url.toString()));
            await("document.readyState === 'complete' && location.href !== 'about:blank'", Duration.ofSeconds(30));
        }

        /** The value of a JavaScript expression in the page (a promise is awaited). */
        public JsonNode evaluate(String expression) throws Exception {
            JsonNode r = send(
                    "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
            assertThat(r.has("exceptionDetails"))
                    .as(expression + ": " + r.path("exceptionDetails"))
                    .isFalse();
            return r.path("result").path("value");
        }

        /** Waits until {@code condition} (a JavaScript expression) is true in the page, checking every 100 ms. */
        public void await(String condition, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!evaluate("!!(" + condition + ")").asBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("not true within " + timeout + ": " + condition);
                }
                Thread.sleep(100);
            }
        }

        /** The page's DOM as it is now. */
        public String dom() throws Exception {
            return evaluate("document.documentElement.outerHTML").asText();
        }

        /** Saves what the page shows now (the whole page, not only the window) as a PNG. */
        public void screenshot(Path png) throws Exception {
            JsonNode r = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
            Files.createDirectories(png.toAbsolutePath().getParent());
            Files.write(png, Base64.getDecoder().decode(r.path("data").asText()));
        }

        /** Every console message, uncaught exception and browser log entry since the page opened. */
        public List<String> console() {
            return List.copyOf(console);
        }

        @Override
        public void close() {
            if (socket != null) {
                socket.abort();
            }
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    private void run(Path log, Path out, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                chromium.toString(),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                // No network: the page must not need any (a report opens on a machine without it).
                "--proxy-server=127.0.0.1:9",
                "--user-data-dir=" + work.resolve("profile")));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(log.toFile())
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in " + TIMEOUT_SECONDS + " s: " + command);
        }
        assertThat(p.exitValue()).as("chromium's exit code (log: " + log + ")").isZero();
    }
}
