package dev.comfykit.camel.observe;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Micrometer and camel-telemetry are optional: the component runs a route on a class path without them, and only
 * one class names each.
 */
class OptionalDependenciesTest {

    @RegisterExtension
    static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create(b -> b.stepTime(Duration.ZERO));

    @Test
    void onlyMicrometerMetricsNamesMicrometer() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.comfykit.camel");
        noClasses().that().doNotHaveFullyQualifiedName(MicrometerMetrics.class.getName())
                .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
                .because("Micrometer is optional: MetricsBinding loads MicrometerMetrics only when it is present")
                .check(classes);
    }

    @Test
    void onlyComfyKitSpanDecoratorNamesCamelTelemetry() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.comfykit.camel");
        noClasses().that().doNotHaveFullyQualifiedName(ComfyKitSpanDecorator.class.getName())
                .should().dependOnClassesThat().resideInAPackage("org.apache.camel.telemetry..")
                .because("camel-telemetry is optional: only its ServiceLoader loads ComfyKitSpanDecorator")
                .check(classes);
    }

    @Test
    void theComponentRunsWithoutMicrometerOrCamelTelemetryOnTheClassPath() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("micrometer") && !entry.contains("camel-telemetry")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        try (URLClassLoader withoutMicrometer = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> withoutMicrometer.loadClass("io.micrometer.core.instrument.MeterRegistry"))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> withoutMicrometer.loadClass("org.apache.camel.telemetry.SpanDecorator"))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> run = withoutMicrometer.loadClass(RunARoute.class.getName());
            Object runner = run.getDeclaredConstructor().newInstance();
            // Camel finds its services through the thread's class loader: it must not see Micrometer either
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            Thread.currentThread().setContextClassLoader(withoutMicrometer);
            String status;
            try {
                status = (String) run.getMethod("apply", Object.class).invoke(runner, comfy.baseUrl());
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }

            assertThat(status).isEqualTo("completed");
        }
    }

    /** Loaded by the class loader without Micrometer: a whole Camel context with a comfykit route. */
    public static final class RunARoute implements Function<Object, String> {
        @Override
        public String apply(Object baseUrl) {
            try (CamelContext context = new DefaultCamelContext()) {
                context.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:run").to("comfykit:classpath:workflows/t2i.json?param.width=16&param.height=16"
                                + "&comfyuiUrl=" + baseUrl);
                    }
                });
                context.start();
                ProducerTemplate template = context.createProducerTemplate();
                Object result = template.requestBody("direct:run", "a cat");
                return (String) result.getClass().getMethod("getStatus").invoke(result);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
