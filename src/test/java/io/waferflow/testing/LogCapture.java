package io.waferflow.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Everything the JVM logs and prints while open, kept in memory for a test to search: every log4j event of every logger
 * (levels lowered as asked, so nothing is filtered out before it could be captured; the console appender is detached
 * meanwhile, so the test's output stays readable), formatted with its stack trace, and all of {@code System.out} and
 * {@code System.err} (still printed, too). {@link #close()} reloads the log4j configuration from its file and restores
 * the streams.
 */
public final class LogCapture implements AutoCloseable {

    private static final String APPENDER = "test-capture";

    private final LoggerContext context;
    private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out;
    private final PrintStream err;

    private LogCapture(Level rootLevel, Map<String, Level> levels) {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        AbstractAppender appender = new AbstractAppender(APPENDER, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                events.add(format(event));
            }
        };
        appender.start();
        config.addAppender(appender);
        levels.forEach((name, level) -> {
            if (!config.getLoggers().containsKey(name)) {
                config.addLogger(name, new LoggerConfig(name, level, true));
            }
        });
        List<LoggerConfig> all = new ArrayList<>(config.getLoggers().values());
        if (!all.contains(config.getRootLogger())) {
            all.add(config.getRootLogger());
        }
        for (LoggerConfig logger : all) {
            for (String name : new ArrayList<>(logger.getAppenders().keySet())) {
                logger.removeAppender(name);
            }
            boolean root = logger == config.getRootLogger();
            logger.setLevel(root ? rootLevel : levels.getOrDefault(logger.getName(), rootLevel));
            // Additive loggers hand their events to the root's appender; only the others need their own reference.
            if (root || !logger.isAdditive()) {
                logger.addAppender(appender, null, null);
            }
        }
        context.updateLoggers();
        out = System.out;
        err = System.err;
        System.setOut(new PrintStream(new Tee(out, printed), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err, printed), true, StandardCharsets.UTF_8));
    }

    /**
     * Starts capturing.
     *
     * @param rootLevel the level of every logger not named in {@code levels}
     * @param levels levels of particular loggers (and their children)
     */
    public static LogCapture start(Level rootLevel, Map<String, Level> levels) {
        return new LogCapture(rootLevel, levels);
    }

    /** The log events so far, one formatted event (with its stack trace) per element. */
    public List<String> events() {
        return List.copyOf(events);
    }

    /** What was printed to System.out and System.err so far. */
    public String printed() {
        synchronized (printed) {
            return printed.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setOut(out);
        System.setErr(err);
        context.reconfigure();
    }

    private static String format(LogEvent event) {
        StringBuilder line = new StringBuilder()
                .append(event.getLevel())
                .append(' ')
                .append(event.getLoggerName())
                .append(" [")
                .append(event.getThreadName())
                .append("] - ")
                .append(event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            line.append('\n').append(trace);
        }
        return line.toString();
    }

    /** Writes to the original stream and to the capture. */
    private static final class Tee extends OutputStream {
        private final OutputStream original;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream original, ByteArrayOutputStream copy) {
            this.original = original;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            synchronized (copy) {
                copy.write(b);
            }
            try {
                original.write(b);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (copy) {
                copy.write(b, off, len);
            }
            try {
                original.write(b, off, len);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            original.flush();
        }
    }
}
