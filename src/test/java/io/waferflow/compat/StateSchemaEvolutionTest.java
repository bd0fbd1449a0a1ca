package io.waferflow.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.waferflow.alerts.AlertEpisode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state type gains a field between releases: Flink's POJO schema evolution must restore the old state into the new
 * class (the new field at its default) rather than fail or reset. The test takes a real state type,
 * {@link AlertEpisode}, writes an instance with today's class and its serializer snapshot, compiles a next version of
 * the same class with one more field into its own class loader, and restores the bytes with it.
 */
class StateSchemaEvolutionTest {

    private static final String CLASS = AlertEpisode.class.getName();
    private static final Path SOURCE = Path.of("src/main/java/io/waferflow/alerts/AlertEpisode.java");

    @TempDir
    Path tmp;

    @Test
    void aStateTypeWithANewFieldRestoresTheOldState() throws Exception {
        // Today's class: write one episode and the serializer's snapshot, as a checkpoint would.
        ExecutionConfig config = new ExecutionConfig();
        config.disableGenericTypes();
        TypeSerializer<AlertEpisode> before =
                TypeInformation.of(AlertEpisode.class).createSerializer(config.getSerializerConfig());
        AlertEpisode e = new AlertEpisode();
        e.policy = "drift";
        e.firing = true;
        e.alertId = "drift:vdd@3600000";
        e.firstSeen = 3_600_000;
        e.occurrences = 4;
        e.activeWindows = new long[] {3_600_000, 7_200_000};
        DataOutputSerializer state = new DataOutputSerializer(256);
        before.serialize(e, state);
        DataOutputSerializer snapshot = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshot, before.snapshotConfiguration());

        // The next release: the same class with one more field, in a class loader of its own.
        String next = Files.readString(SOURCE)
                .replace(
                        "public class AlertEpisode {",
                        "public class AlertEpisode {\n\n    public String acknowledgedBy = \"nobody\";\n");
        ClassLoader nextRelease = compile(next);
        Class<?> nextClass = nextRelease.loadClass(CLASS);
        assertThat(nextClass.getField("acknowledgedBy").getType())
                .as("the new field")
                .isEqualTo(String.class);

        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(nextRelease);
        try {
            TypeSerializerSnapshot<Object> restored = TypeSerializerSnapshot.readVersionedSnapshot(
                    new DataInputDeserializer(snapshot.getCopyOfBuffer()), nextRelease);
            @SuppressWarnings("unchecked")
            TypeSerializer<Object> after = (TypeSerializer<Object>)
                    TypeInformation.of(nextClass).createSerializer(config.getSerializerConfig());
            TypeSerializerSchemaCompatibility<Object> compatibility =
                    after.snapshotConfiguration().resolveSchemaCompatibility(restored);
            assertThat(compatibility.isCompatibleAfterMigration())
                    .as(compatibility.toString())
                    .isTrue();

            Object migrated =
                    restored.restoreSerializer().deserialize(new DataInputDeserializer(state.getCopyOfBuffer()));
            assertThat(migrated.getClass()).isSameAs(nextClass);
            assertThat(nextClass.getField("alertId").get(migrated)).isEqualTo("drift:vdd@3600000");
            assertThat(nextClass.getField("occurrences").get(migrated)).isEqualTo(4L);
            assertThat((long[]) nextClass.getField("activeWindows").get(migrated))
                    .containsExactly(3_600_000, 7_200_000);
            assertThat(nextClass.getField("acknowledgedBy").get(migrated))
                    .as("the new field at its default")
                    .isEqualTo("nobody");
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Compiles one class and loads it child-first: the class loader's own version wins over the test's. */
    private ClassLoader compile(String source) throws Exception {
        Path src = tmp.resolve("src/" + CLASS.replace('.', '/') + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path out = Files.createDirectories(tmp.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(
                null, null, errors, "-d", out.toString(), "-cp", System.getProperty("java.class.path"), src.toString());
        assertThat(rc).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        byte[] bytes = Files.readAllBytes(out.resolve(CLASS.replace('.', '/') + ".class"));
        return new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.equals(CLASS)) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    return c != null ? c : defineClass(name, bytes, 0, bytes.length);
                }
            }
        };
    }
}
