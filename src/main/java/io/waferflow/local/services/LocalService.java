package io.waferflow.local.services;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server this process started for a local run (Kafka broker, redis-server): stopped exactly once, by {@link #close()}
 * or, as a safety net, by a JVM shutdown hook, so an interrupted demo or test never leaves one behind.
 */
public abstract class LocalService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalService.class);

    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    protected LocalService(String name) {
        this.shutdownHook = new Thread(this::stopFromHook, name + "-shutdown-hook");
    }

    /** Call once the service runs (or is about to, if a start-up interrupted by Ctrl-C must not leak it). */
    protected final void registerShutdownHook() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    protected final boolean isClosed() {
        return closed.get();
    }

    /** Stops the service; called at most once. */
    protected abstract void stop();

    @Override
    public final void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException jvmAlreadyShuttingDown) {
                // The hook is running or about to run; closed is already set, so it will do nothing.
            } catch (IllegalArgumentException neverRegistered) {
                // Start-up failed before the hook was registered.
            }
        }
        stop();
    }

    private void stopFromHook() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("Stopping {} failed", this, e);
        }
    }
}
