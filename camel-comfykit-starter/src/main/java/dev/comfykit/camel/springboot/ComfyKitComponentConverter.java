package dev.comfykit.camel.springboot;

import dev.comfykit.camel.ComfyKitConfiguration;
import dev.comfykit.client.ComfyKit;
import org.springframework.context.ApplicationContext;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.convert.converter.GenericConverter;

import java.util.Set;

/**
 * Turns a bean reference written in a property ({@code #bean:name} or {@code #name}) into that bean, for the
 * object options {@code camel.component.comfykit.comfy-kit} and {@code camel.component.comfykit.configuration}, as
 * the converters of Camel's own starters do.
 */
public class ComfyKitComponentConverter implements GenericConverter {

    private final ApplicationContext applicationContext;

    /** A converter that looks beans up in this application context. */
    public ComfyKitComponentConverter(ApplicationContext applicationContext) {
        this.applicationContext = applicationContext;
    }

    @Override
    public Set<ConvertiblePair> getConvertibleTypes() {
        return Set.of(new ConvertiblePair(String.class, ComfyKit.class),
                new ConvertiblePair(String.class, ComfyKitConfiguration.class),
                new ConvertiblePair(String.class, dev.comfykit.client.jobs.JobStore.class));
    }

    @Override
    public Object convert(Object source, TypeDescriptor sourceType, TypeDescriptor targetType) {
        if (source == null) {
            return null;
        }
        String reference = source.toString();
        if (!reference.startsWith("#")) {
            throw new IllegalArgumentException("Write a bean reference such as #bean:myBean for an option of type "
                    + targetType.getType().getName() + ", not '" + reference + "'");
        }
        String name = reference.startsWith("#bean:") ? reference.substring("#bean:".length()) : reference.substring(1);
        return applicationContext.getBean(name, targetType.getType());
    }
}
