#!/usr/bin/env bash
# Entry point of WaferFlow's Flink containers (docker-compose.yml): installs the repository's flink-conf/ into the
# image's conf/ directory, then hands over to the official image's entry point, which applies JOB_MANAGER_RPC_ADDRESS
# and FLINK_PROPERTIES on top and starts a jobmanager or taskmanager, or runs the given command (flink run ...).
#
# Why a copy and not a mount of flink-conf/ onto /opt/flink/conf: the image's entry point rewrites conf/config.yaml
# in place whenever it applies settings (always: at least the JobManager address), flattened and without comments.
# Mounted, that would rewrite the repository's file; mounted read-only, the settings could not be applied.
set -euo pipefail

cp /opt/waferflow/flink-conf/config.yaml \
   /opt/waferflow/flink-conf/log4j.properties \
   /opt/waferflow/flink-conf/log4j-console.properties \
   "$FLINK_HOME/conf/"

# Flink's distribution ships the Prometheus reporter as a plugin (plugins/metrics-prometheus), so the image has it
# enabled. Should an image keep it in opt/ only, link it into plugins/ (what ENABLE_BUILT_IN_PLUGINS does), rather than
# start without metrics.
if ! compgen -G "$FLINK_HOME/plugins/*/flink-metrics-prometheus-*.jar" > /dev/null; then
  reporter=$(compgen -G "$FLINK_HOME/opt/flink-metrics-prometheus-*.jar" | head -n 1 || true)
  if [[ -z "$reporter" ]]; then
    echo "flink-metrics-prometheus is neither in $FLINK_HOME/plugins nor in $FLINK_HOME/opt" >&2
    exit 1
  fi
  mkdir -p "$FLINK_HOME/plugins/metrics-prometheus"
  ln -sf "$reporter" "$FLINK_HOME/plugins/metrics-prometheus/"
fi

# The shared volume is created owned by root; Flink runs as the image's user flink (the image's entry point drops
# to it), which writes checkpoints, savepoints and Parquet there.
if [[ "$(id -u)" == 0 ]]; then
  chown flink:flink /opt/waferflow/state
fi

exec /docker-entrypoint.sh "$@"
