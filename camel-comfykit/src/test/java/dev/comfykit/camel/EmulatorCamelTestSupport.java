package dev.comfykit.camel;

import dev.comfykit.emulator.ComfyUiEmulatorExtension;
import org.apache.camel.CamelContext;
import org.apache.camel.test.junit5.CamelTestSupport;

/**
 * A Camel test whose {@code comfykit} component points at the test class's ComfyUI emulator.
 */
abstract class EmulatorCamelTestSupport extends CamelTestSupport {

    /** The emulator of the test class (a static {@code @RegisterExtension} field). */
    protected abstract ComfyUiEmulatorExtension comfy();

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getComponent("comfykit", ComfyKitComponent.class).getConfiguration().setComfyuiUrl(comfy().baseUrl());
        return context;
    }
}
