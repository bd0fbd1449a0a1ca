package io.waferflow.config;

/**
 * The keys a job file may leave out (or leave empty), with the value they then have; every other key is required. Most
 * came after release 0.1.0, whose job files lack them. {@code ~}: optional, no value. {@code "*"}: every entry of a
 * map. Filled in below the file and the overrides just before binding, so the configuration printed at start shows only
 * what was written.
 *
 * <p>A YAML text rather than Jackson annotations: Jackson 2 has no default values for creator (record) parameters.
 */
final class Defaults {

    static final String YAML = """
            schema:
              fields:
                "*": {required: false, nullable: false, parameter: false, unit: "", min: ~, max: ~, allowed: [],
                      pattern: ~}
            quality:
              # Ids are tens of characters; 256 leaves room for any naming scheme.
              max_string_chars: 256
            feature_group:
              window:
                type: tumbling
                size: ~             # tumbling and sliding: required
                slide: ~            # sliding: required
                gap: ~              # session: required
              watermark:
                emit: periodic
              derived: {}
              # The feature registry's directory; empty: `registry` beside the job file (jobs/registry).
              registry: ""
            drift:
              enabled: true
              group_by: []
              max_groups: 32
              baseline:
                file: ""
            alerts:
              enabled: true
              fdr:
                enabled: true
              sinks:
                kafka_topic: ""
                webhook_url: ""
                webhook_token: ""
                webhook_token_header: Authorization
                log: true
            kafka:
              # Whole payloads of records up to 64 KiB on the violation topic: any realistic device test record.
              violations_payload_prefix_bytes: 65536
              starting_offsets: committed
              source_parallelism: auto
              sink_epoch: ""
              properties: {}
            redis:
              user: ""
              password: ""
              tls: false
              tls_ca_file: ""
              tls_keystore_file: ""
              tls_keystore_password: ""
              tls_verify_hostname: true
              # Rows per pipelined round trip: 500 rows of 43 fields are about 0.5 MB, well within Redis's buffers.
              batch_rows: 500
              mode: standalone
              nodes: []
              sentinel_master: ""
            offline:
              raw_archive: true
            serving:
              host: 127.0.0.1
              port: 8090
              token: ""
              threads: 8
              max_entities: 1000
              # 1,000 wafer ids, the feature names and defaults fit with room to spare.
              max_body_bytes: 1048576
              version_refresh: 1 s
              retry_after: 1 s
              baseline_refresh: 1 min
              cache:
                enabled: false
                max_rows: 100000
                ttl: 1 s
            monitor:
              predictions_topic: waferflow-predictions
              actuals_topic: waferflow-actuals
              retrain_topic: ""
              group_id: waferflow-monitor
              window: 15 min
              out_of_orderness: 1 min
              label_max_delay: 7 d
              update_interval: 1 s
              min_labels: 50
              baseline:
                accuracy: {}
                reference: 2 h
              degradation:
                p2_drop: 0.05
                p1_drop: 0.10
              prediction_drift:
                min_reference: 500
                min_current: 100
                rolling_windows: 0
              retrain_after: 24 h
              policy:
                fire_n: 2
                fire_m: 3
                resolve_k: 2
                cooldown: 2 h
                escalate_after: 6 h
            stdf:
              parameters:
                "*": {test_number: ~, test_name: ~, unit: "", pin: ~}
              keep_all_tests: false
              tester_id: node_name
              block_on: critical
            lineage:
              enabled: true
              transport: file
              file: ""
              url: ""
              endpoint: /api/v1/lineage
              token: ""
              timeout: 5 s
              namespace: waferflow
            """;

    private Defaults() {}
}
