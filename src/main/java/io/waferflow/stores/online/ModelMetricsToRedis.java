package io.waferflow.stores.online;

import io.waferflow.model.ModelMetrics;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * The latest window metrics of each model version as a Redis hash {@code <prefix>:model:<model>:<version>}: model,
 * version, task, the window, its revision, predictions, labeled, label coverage, accuracy, MAE, RMSE, MAPE and bias
 * (numbers as Java writes them, NaN as an empty string), {@code updated_at} last, with the TTL. The online writer keeps
 * the newest window and revision (an older window's late revision does not replace it). Stateless.
 */
public class ModelMetricsToRedis implements MapFunction<ModelMetrics, RedisHashWrite> {

    private static final long serialVersionUID = 1L;

    private final String keyPrefix;
    private final int ttlSeconds;

    public ModelMetricsToRedis(String keyPrefix, int ttlSeconds) {
        this.keyPrefix = keyPrefix;
        this.ttlSeconds = ttlSeconds;
    }

    public static String key(String prefix, String model, String modelVersion) {
        return prefix + ":model:" + model + ":" + modelVersion;
    }

    @Override
    public RedisHashWrite map(ModelMetrics m) {
        String[] names = {
            "model",
            "model_version",
            "task",
            OnlineKeys.WINDOW_START,
            OnlineKeys.WINDOW_END,
            OnlineKeys.REVISION,
            "predictions",
            "labeled",
            "label_coverage",
            "accuracy",
            "estimated_accuracy",
            "mae",
            "rmse",
            "mape",
            "bias",
            OnlineKeys.UPDATED_AT
        };
        String[] values = {
            m.model,
            m.modelVersion,
            m.task,
            Long.toString(m.windowStart),
            Long.toString(m.windowEnd),
            Integer.toString(m.revision),
            Long.toString(m.predictions),
            Long.toString(m.labeled),
            OnlineKeys.format(m.labelCoverage),
            OnlineKeys.format(m.accuracy),
            OnlineKeys.format(m.estimatedAccuracy),
            OnlineKeys.format(m.mae),
            OnlineKeys.format(m.rmse),
            OnlineKeys.format(m.mape),
            OnlineKeys.format(m.bias),
            Long.toString(System.currentTimeMillis())
        };
        return new RedisHashWrite(key(keyPrefix, m.model, m.modelVersion), names, values, ttlSeconds, m.windowEnd);
    }
}
