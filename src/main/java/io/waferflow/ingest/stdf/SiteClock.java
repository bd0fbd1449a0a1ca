package io.waferflow.ingest.stdf;

/**
 * The event-time clock of one head/site: it starts at its wafer's start time and advances by every finished part's PRR
 * TEST_T on that site (sites test in parallel, so each runs on its own). A part's event time is its site's clock after
 * its own test.
 */
final class SiteClock {

    private int waferSerial = -1;
    private long millis;

    /** Advances by {@code testMillis} within {@code wafer} (restarting at its start on a new wafer). */
    long after(WaferScope wafer, long testMillis) {
        if (wafer.serial != waferSerial) {
            waferSerial = wafer.serial;
            millis = wafer.startMillis;
        }
        millis += testMillis;
        return millis;
    }
}
