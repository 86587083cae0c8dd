package dev.comfykit.camel;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The component is written against the client's exported API only, so the client's internals can change. */
@AnalyzeClasses(packages = "dev.comfykit.camel", importOptions = ImportOption.DoNotIncludeTests.class)
class ApiBoundaryTest {

    @ArchTest
    static final ArchRule COMPONENT_USES_ONLY_THE_CLIENT_API = noClasses().that().resideInAPackage("dev.comfykit.camel..")
            .should().dependOnClassesThat().resideInAPackage("dev.comfykit.client.internal..")
            .because("dev.comfykit.client.internal is not part of the client's API (see ARCHITECTURE.md)");
}
