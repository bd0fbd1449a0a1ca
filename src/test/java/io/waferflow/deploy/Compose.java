package io.waferflow.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code docker/docker-compose.yml} as data, for tests that cannot run Docker: services, images, bind mounts, ports,
 * environment and commands, with YAML anchors and merge keys resolved as Compose resolves them.
 */
final class Compose {

    static final Path DIR = Path.of("docker");
    static final Path FILE = DIR.resolve("docker-compose.yml");

    private final Map<String, Object> root;

    private Compose(Map<String, Object> root) {
        this.root = root;
    }

    static Compose load() throws IOException {
        try (Reader in = Files.newBufferedReader(FILE)) {
            return new Compose(new Yaml().load(in));
        }
    }

    Set<String> services() {
        return map(root, "services").keySet();
    }

    String image(String service) {
        return (String) service(service).get("image");
    }

    List<Mount> mounts(String service) {
        List<Mount> mounts = new ArrayList<>();
        for (Object v : list(service(service), "volumes")) {
            if (v instanceof Map<?, ?> m) { // long syntax
                mounts.add(new Mount(
                        (String) m.get("source"), (String) m.get("target"), Boolean.TRUE.equals(m.get("read_only"))));
            } else {
                String[] parts = ((String) v).split(":");
                mounts.add(new Mount(parts[0], parts[1], parts.length > 2 && parts[2].equals("ro")));
            }
        }
        return mounts;
    }

    /** Published ports as host port to container port. */
    Map<Integer, Integer> publishedPorts(String service) {
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (Object p : list(service(service), "ports")) {
            // HOST:CONTAINER, or ADDRESS:HOST:CONTAINER
            String[] parts = p.toString().split(":");
            int n = parts.length;
            ports.put(Integer.parseInt(parts[n - 2]), Integer.parseInt(parts[n - 1]));
        }
        return ports;
    }

    Map<String, String> environment(String service) {
        Map<String, String> env = new LinkedHashMap<>();
        map(service(service), "environment").forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    /** The command's words; a {@code sh -c} script is one word. */
    List<String> command(String service) {
        return list(service(service), "command").stream().map(String::valueOf).toList();
    }

    Set<String> namedVolumes() {
        return map(root, "volumes").keySet();
    }

    /** The host file behind a path inside a service's container, through the service's bind mounts. */
    Optional<Path> hostPath(String service, String containerPath) {
        for (Mount m : mounts(service)) {
            if (m.isBind() && (containerPath.equals(m.target()) || containerPath.startsWith(m.target() + "/"))) {
                String below = containerPath.substring(m.target().length()).replaceFirst("^/", "");
                return Optional.of(m.hostPath().resolve(below).normalize());
            }
        }
        return Optional.empty();
    }

    Map<String, Object> service(String name) {
        Map<String, Object> service = map(map(root, "services"), name);
        if (service.isEmpty()) {
            throw new IllegalArgumentException("no service " + name + " in " + FILE);
        }
        return service;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        return value == null ? List.of() : (List<Object>) value;
    }

    /** A volume ({@code source:target[:ro]} or its long syntax); a source that is a path is a bind mount. */
    record Mount(String source, String target, boolean readOnly) {

        boolean isBind() {
            return source.startsWith(".") || source.startsWith("/");
        }

        /** A bind mount's source, relative to the compose file's folder as Compose resolves it. */
        Path hostPath() {
            return DIR.resolve(source).normalize();
        }
    }
}
