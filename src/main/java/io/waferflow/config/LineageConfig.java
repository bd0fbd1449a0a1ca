package io.waferflow.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * The {@code lineage} section: where the OpenLineage run events of every job run go (see {@code docs/lineage.md}).
 *
 * @param enabled whether runs emit events at all
 * @param transport {@code file}: JSON lines appended to {@code file}; {@code http}: POSTed to a Marquez-compatible
 *     endpoint; {@code none}: no events (like {@code enabled: false})
 * @param file the events file; empty: {@code <offline.root>/_lineage/events.jsonl} (a local offline root only)
 * @param url the lineage server's base URL, for {@code http} (Marquez: {@code http://host:5000})
 * @param endpoint the path events are POSTed to, below {@code url}
 * @param token sent as {@code Authorization: Bearer <token>}; empty: none
 * @param timeout how long one HTTP POST may take
 * @param namespace the OpenLineage job namespace every job of this configuration is named in
 */
public record LineageConfig(
        boolean enabled,
        Transport transport,
        String file,
        String url,
        String endpoint,
        Secret token,
        Duration timeout,
        String namespace)
        implements Serializable {

    /** Where events go. */
    public enum Transport {
        FILE,
        HTTP,
        NONE
    }

    public LineageConfig {
        if (enabled && transport == Transport.HTTP && url.isBlank()) {
            throw InvalidValue.at(
                    "url", "is empty with transport http", "set the lineage server's URL, e.g. http://marquez:5000");
        }
        if (namespace.isBlank()) {
            throw InvalidValue.at("namespace", "is empty", "set e.g. waferflow");
        }
    }

    /** Whether runs emit events. */
    public boolean emits() {
        return enabled && transport != Transport.NONE;
    }
}
