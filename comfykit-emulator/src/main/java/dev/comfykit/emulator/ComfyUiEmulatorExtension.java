package dev.comfykit.emulator;

import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs one emulator per test class and clears its faults after each test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static ComfyUiEmulatorExtension comfy = ComfyUiEmulatorExtension.create();
 *
 * @Test
 * void runs(ComfyUiEmulator emulator) {   // or comfy.emulator(), comfy.baseUrl()
 *     ...
 * }
 * }</pre>
 * Registered on an instance field instead of a static one, it runs one emulator per test. It also works with
 * {@code @ExtendWith(ComfyUiEmulatorExtension.class)} and parameter injection.
 */
public final class ComfyUiEmulatorExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final Consumer<ComfyUiEmulator.Builder> configuration;
    private ComfyUiEmulator emulator;
    private boolean perClass;
    private String owner;

    /** For {@code @ExtendWith}: an emulator with default options. */
    public ComfyUiEmulatorExtension() {
        this(builder -> { });
    }

    private ComfyUiEmulatorExtension(Consumer<ComfyUiEmulator.Builder> configuration) {
        this.configuration = configuration;
    }

    /** An extension whose emulator has default options (free port, temporary data directory). */
    public static ComfyUiEmulatorExtension create() {
        return new ComfyUiEmulatorExtension();
    }

    /** An extension whose emulator is configured by the given function, e.g. {@code b -> b.stepTime(Duration.ZERO)}. */
    public static ComfyUiEmulatorExtension create(Consumer<ComfyUiEmulator.Builder> configuration) {
        return new ComfyUiEmulatorExtension(configuration);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        if (owner == null) {
            // @Nested classes run beforeAll/afterAll again; only the outermost class owns the emulator
            owner = context.getUniqueId();
        }
        startIfNeeded();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        startIfNeeded();
    }

    private synchronized void startIfNeeded() {
        if (emulator == null) {
            ComfyUiEmulator.Builder builder = ComfyUiEmulator.builder();
            configuration.accept(builder);
            emulator = builder.start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (emulator == null) {
            return;
        }
        emulator.faults().clear();
        if (!perClass) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(owner)) {
            owner = null;
            stop();
        }
    }

    private synchronized void stop() {
        if (emulator != null) {
            emulator.close();
            emulator = null;
        }
    }

    /** The running emulator (started before the first test). */
    public ComfyUiEmulator emulator() {
        if (emulator == null) {
            throw new IllegalStateException("the emulator runs only while tests of the class run");
        }
        return emulator;
    }

    public String baseUrl() {
        return emulator().baseUrl();
    }

    public EmulatorFaults faults() {
        return emulator().faults();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ComfyUiEmulator.class || type == EmulatorFaults.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        startIfNeeded();
        return parameter.getParameter().getType() == EmulatorFaults.class ? emulator.faults() : emulator;
    }
}
