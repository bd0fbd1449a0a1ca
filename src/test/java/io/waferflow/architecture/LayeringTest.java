package io.waferflow.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.waferflow.model.NamedInSavepoints;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dependencies go one way: model types ← configuration ← stages ← jobs ← tools (savepoints, serving) ← commands, and
 * nothing but the command loader's class name points at the local tooling. A newcomer can then read a package knowing
 * what it may use.
 */
class LayeringTest {

    /** The pipeline's stages: each may use the model, configuration and the support packages, never another stage. */
    static final List<String> STAGES = List.of(
            "ingest", "quality", "features", "drift", "alerts", "stores", "derived", "training", "monitor", "report");

    /** A model type, or an array of one. */
    /** The model types that stay in a stage's package for savepoint compatibility (or arrays of them). */
    static final DescribedPredicate<JavaClass> NAMED_IN_SAVEPOINTS = DescribedPredicate.describe(
            "@NamedInSavepoints record types", c -> c.getBaseComponentType().isAnnotatedWith(NamedInSavepoints.class));

    static final DescribedPredicate<JavaClass> MODEL = DescribedPredicate.describe(
            "the model (io.waferflow.model and the @NamedInSavepoints record types)", LayeringTest::isModel);

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.waferflow");
    }

    @Test
    void layersDependOnlyDownwards() {
        layers().check(main);
    }

    @Test
    void noPackageCycles() {
        cycles().check(main);
    }

    static Stream<String> stages() {
        return STAGES.stream();
    }

    @ParameterizedTest
    @MethodSource("stages")
    void aStageUsesNoOtherStage(String stage) {
        stageIsolation(stage).check(main);
    }

    /** The rules are not vacuous: they fail on a package pair that uses each other (test classes made for this). */
    @Test
    void theCycleRuleCatchesACycle() {
        JavaClasses cyclic = new ClassFileImporter().importPackages("io.waferflow.architecture.cycle");
        assertThat(cyclic.size()).isEqualTo(2);
        assertThat(slices().matching("io.waferflow.architecture.cycle.(*)..")
                        .should()
                        .beFreeOfCycles()
                        .evaluate(cyclic)
                        .hasViolation())
                .isTrue();
    }

    static ArchRule layers() {
        return layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Model")
                .definedBy(MODEL)
                .layer("Config")
                .definedBy(resideInAPackage("io.waferflow.config.."))
                .layer("Support")
                .definedBy(resideInAnyPackage("io.waferflow.metrics..", "io.waferflow.sketch.."))
                .layer("Stages")
                .definedBy(stagePackages(STAGES))
                .layer("Jobs")
                .definedBy(resideInAPackage("io.waferflow.jobs.."))
                .layer("Tools")
                .definedBy(resideInAnyPackage(
                        "io.waferflow.savepoints..", "io.waferflow.serving..", "io.waferflow.lineage.."))
                .layer("Commands")
                .definedBy(resideInAPackage("io.waferflow.cli..")
                        .or(resideInAPackage("io.waferflow").as("io.waferflow")))
                .layer("Local")
                .definedBy(resideInAPackage("io.waferflow.local.."))
                .whereLayer("Model")
                .mayNotAccessAnyLayer()
                .whereLayer("Config")
                .mayOnlyAccessLayers("Model")
                .whereLayer("Support")
                .mayOnlyAccessLayers(
                        "Model") // the sketches compact through model.ReproducibleKll, as Distribution does
                .whereLayer("Stages")
                .mayOnlyAccessLayers("Model", "Config", "Support")
                .whereLayer("Jobs")
                .mayOnlyAccessLayers("Model", "Config", "Support", "Stages")
                .whereLayer("Tools")
                .mayOnlyAccessLayers("Model", "Config", "Support", "Stages", "Jobs")
                .whereLayer("Commands")
                .mayOnlyAccessLayers("Model", "Config", "Support", "Stages", "Jobs", "Tools")
                .whereLayer("Local")
                .mayNotBeAccessedByAnyLayer();
    }

    /** Cycles between packages, counting the @NamedInSavepoints types as the model package they belong in. */
    static ArchRule cycles() {
        return slices().matching("io.waferflow.(**)")
                .should()
                .beFreeOfCycles()
                .ignoreDependency(DescribedPredicate.alwaysTrue(), NAMED_IN_SAVEPOINTS);
    }

    static ArchRule stageIsolation(String stage) {
        List<String> others = STAGES.stream().filter(s -> !s.equals(stage)).toList();
        return noClasses()
                .that(resideInAPackage("io.waferflow." + stage + ".."))
                .should()
                .dependOnClassesThat(stagePackages(others))
                .as("stage '" + stage + "' uses no other stage (only the model, configuration, metrics and sketches)");
    }

    /** Classes of the given stages, without the model types that live there for savepoint compatibility. */
    private static DescribedPredicate<JavaClass> stagePackages(List<String> stages) {
        String[] packages = stages.stream().map(s -> "io.waferflow." + s + "..").toArray(String[]::new);
        return resideInAnyPackage(packages).and(DescribedPredicate.not(MODEL)).as("the stages " + stages);
    }

    private static boolean isModel(JavaClass c) {
        return c.getBaseComponentType().getPackageName().startsWith("io.waferflow.model")
                || NAMED_IN_SAVEPOINTS.test(c);
    }
}
