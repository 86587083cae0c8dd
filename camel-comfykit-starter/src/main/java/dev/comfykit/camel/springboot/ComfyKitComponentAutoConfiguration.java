package dev.comfykit.camel.springboot;

import dev.comfykit.client.ComfyKit;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * Auto-configuration of the {@code comfykit:} component from the {@code camel.component.comfykit.*} properties, and
 * of a {@link ComfyKit} bean built from the same properties when the application has none (the component then uses
 * that single bean for its endpoints without connection options of their own). Switched off with
 * {@code camel.component.comfykit.enabled=false} (or {@code camel.component.enabled=false} for all components).
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties({ComponentConfigurationProperties.class, ComfyKitComponentConfiguration.class})
@ConditionalOnHierarchicalProperties({"camel.component", "camel.component.comfykit"})
public class ComfyKitComponentAutoConfiguration {

    /** Resolves {@code #bean:name} references in the object options; static, as it is needed while binding. */
    @Bean
    @ConfigurationPropertiesBinding
    static ComfyKitComponentConverter comfyKitComponentConverter(ApplicationContext applicationContext) {
        return new ComfyKitComponentConverter(applicationContext);
    }

    /** Applies the properties to the component when Camel creates it. */
    @Lazy
    @Bean
    public ComponentCustomizer configureComfyKitComponent(ApplicationContext applicationContext,
                                                          ComfyKitComponentConfiguration configuration) {
        return new ComfyKitComponentCustomizer(applicationContext, configuration);
    }

    /**
     * A client configured like the component, only when the application defines no {@link ComfyKit} bean of its own
     * (its own client, or later a pool, wins). The component picks up the single ComfyKit bean, this one or the
     * application's, as its autowired {@code comfyKit} option, so that services and routes share one client (one
     * connection pool, one WebSocket); an endpoint with connection options on its URI still gets its own client.
     * Closed with the application context, as every {@link AutoCloseable} bean, never by the component.
     */
    @Bean
    @ConditionalOnMissingBean
    public ComfyKit comfyKit(ComfyKitComponentConfiguration configuration, CamelContext camelContext) {
        return ComfyKitClientFactory.create(configuration,
                text -> text == null ? null : camelContext.resolvePropertyPlaceholders(text),
                camelContext.getApplicationContextClassLoader());
    }

    /** Keeps the secrets out of the actuator's output when the actuator is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(SanitizingFunction.class)
    static class ActuatorSanitizing {

        @Bean
        SanitizingFunction comfyKitSecretsSanitizingFunction() {
            return new ComfyKitSecretsSanitizingFunction();
        }
    }
}
