package io.waferflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
