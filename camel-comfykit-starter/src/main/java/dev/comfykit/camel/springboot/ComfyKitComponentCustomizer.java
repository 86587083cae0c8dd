package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitComponent;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.util.CamelPropertiesHelper;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.springframework.context.ApplicationContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies the {@code camel.component.comfykit.*} properties onto the {@code comfykit} component when Camel creates
 * it. The flattened options reach the component's nested {@code ComfyKitConfiguration} through the component's
 * generated configurer, which also converts Spring's {@code Duration} values to the component's milliseconds.
 */
class ComfyKitComponentCustomizer implements ComponentCustomizer {

    private final ApplicationContext applicationContext;
    private final ComfyKitComponentConfiguration configuration;

    ComfyKitComponentCustomizer(ApplicationContext applicationContext, ComfyKitComponentConfiguration configuration) {
        this.applicationContext = applicationContext;
        this.configuration = configuration;
    }

    @Override
    public void configure(String name, Component target) {
        Map<String, Object> options = new LinkedHashMap<>(
                CamelPropertiesHelper.getNonNullProperties(target.getCamelContext(), configuration));
        // a whole configuration replaces the flattened options, whatever order the introspection returned them in
        Object whole = options.remove("configuration");
        if (whole != null) {
            options.put("configuration", whole);
        }
        CamelPropertiesHelper.copyProperties(target.getCamelContext(), options, target);
    }

    @Override
    public boolean isEnabled(String name, Component target) {
        return HierarchicalPropertiesEvaluator.evaluate(applicationContext, "camel.component.customizer",
                "camel.component.comfykit.customizer") && target instanceof ComfyKitComponent;
    }
}
