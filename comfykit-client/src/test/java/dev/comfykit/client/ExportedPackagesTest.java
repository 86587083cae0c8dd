package dev.comfykit.client;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;

/**
 * The client's API is the public types of a few exported packages; everything else lives under
 * {@code dev.comfykit.client.internal} and may change in any release. Integrations (the Camel component, the
 * starter) prove with their own ArchUnit rule that they never reach into it.
 */
@AnalyzeClasses(packages = "dev.comfykit.client", importOptions = ImportOption.DoNotIncludeTests.class)
class ExportedPackagesTest {

    /**
     * The exported packages: the facade, results and errors; the schema of a workflow; media policies; outputs; SPI;
     * the job store SPI, typed server events; the webhook receiver.
     */
    static final String[] EXPORTED = {"dev.comfykit.client", "dev.comfykit.client.dsl", "dev.comfykit.client.media",
            "dev.comfykit.client.output", "dev.comfykit.client.spi", "dev.comfykit.client.jobs",
            "dev.comfykit.client.events", "dev.comfykit.client.webhook"};

    @ArchTest
    static final ArchRule EVERY_TYPE_IS_EXPORTED_OR_INTERNAL = classes().should()
            .resideInAnyPackage(concat(EXPORTED, "dev.comfykit.client.internal.."))
            .because("a new package is either part of the API (add it to EXPORTED and ARCHITECTURE.md) or internal");

    @ArchTest
    static final ArchRule THE_API_DOES_NOT_EXPOSE_INTERNAL_TYPES = codeUnits().that().arePublic()
            .and().areDeclaredInClassesThat().arePublic()
            .and().areDeclaredInClassesThat().resideInAnyPackage(EXPORTED)
            .should(new ArchCondition<>("not take or return internal types") {
                @Override
                public void check(JavaCodeUnit unit, ConditionEvents events) {
                    Stream.concat(Stream.of(unit.getRawReturnType()), unit.getRawParameterTypes().stream())
                            .filter(type -> type.getPackageName().startsWith("dev.comfykit.client.internal"))
                            .forEach(type -> events.add(SimpleConditionEvent.violated(unit,
                                    unit.getFullName() + " exposes the internal type " + type.getName())));
                }
            });

    private static String[] concat(String[] first, String extra) {
        String[] all = java.util.Arrays.copyOf(first, first.length + 1);
        all[first.length] = extra;
        return all;
    }
}
