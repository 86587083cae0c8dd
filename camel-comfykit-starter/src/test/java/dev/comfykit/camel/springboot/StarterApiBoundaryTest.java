package dev.comfykit.camel.springboot;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The starter is written against the client's exported API only (as the component is, see ApiBoundaryTest). */
@AnalyzeClasses(packages = "dev.comfykit.camel.springboot", importOptions = ImportOption.DoNotIncludeTests.class)
class StarterApiBoundaryTest {

    @ArchTest
    static final ArchRule STARTER_USES_ONLY_THE_CLIENT_API = noClasses()
            .should().dependOnClassesThat().resideInAPackage("dev.comfykit.client.internal..");
}
