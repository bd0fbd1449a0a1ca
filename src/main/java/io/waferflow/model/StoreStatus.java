package io.waferflow.model;

/**
 * A writer's view of its store changing: it stopped answering ({@code up == false}) or answers again. Processing time,
 * since an outage is a wall-clock matter whatever event time the rows carry. A Flink POJO.
 */
public class StoreStatus {

    /** Which store, e.g. {@code online}. */
    public String store;
    /** Where it is, as the writer connects to it (no credentials). */
    public String address;
    /** The writer that saw it: operator uid and subtask, so several writers' reports can be told apart. */
    public String writer;

    public boolean up;
    /** Wall-clock time (epoch millis) the writer saw the change; for {@code up}, when it was first seen down. */
    public long at;

    public long downSince;
    /** Why it is down (the client's error), or empty. */
    public String reason;

    public StoreStatus() {}

    @Override
    public String toString() {
        return store + " " + (up ? "up" : "down") + " (" + writer + ")";
    }
}
