package io.waferflow.monitor;

import io.waferflow.alerts.Alert;

/** The firing episode {@link RetrainTrigger} watches for one alert key. A Flink POJO. */
public class RetrainWatch {

    public String alertId;
    /** Event time at which the episode has lasted retrain_after: first seen + retrain_after. */
    public long due;
    /** The retrain request of this episode went out. */
    public boolean sent;
    /** The episode's latest firing notification (its message and root cause go into the request). */
    public Alert alert;

    public RetrainWatch() {}
}
