package dev.comfykit.examples.progress;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Assertions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's Chromium and chromedriver ({@code apt-get install chromium chromium-driver}), started headless for one
 * test class. Selenium Manager is never asked (it would try to download a driver on this closed network): the
 * driver's path is given to the service and in {@code webdriver.chrome.driver}, which makes Selenium skip it.
 * <p>
 * Where the browser is missing, {@link #start()} skips the test with one line, or fails it when the CI flag
 * ({@code COMFYKIT_CI=true} as environment variable or system property) says that the browser must be there.
 */
final class HeadlessChromium implements AutoCloseable {

    /** The browser; {@code -Dcomfykit.chromium=...} for another one. */
    static final Path CHROMIUM = Path.of(System.getProperty("comfykit.chromium", "/usr/bin/chromium"));
    /** Its WebDriver; {@code -Dcomfykit.chromedriver=...} for another one. */
    static final Path CHROMEDRIVER = Path.of(System.getProperty("comfykit.chromedriver", "/usr/bin/chromedriver"));

    /**
     * Selenium looks for a DevTools (CDP) binding of the browser's version and warns that there is none: the test
     * needs only WebDriver, so no selenium-devtools jar is on the class path. Kept strongly referenced, else
     * java.util.logging forgets the level.
     */
    private static final java.util.logging.Logger CDP_VERSION_FINDER =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Quits the browser and deletes its profile. */
    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // a temporary folder: what is left is the system's to clean
        }
    }

    static boolean ciFlag() {
        return "true".equalsIgnoreCase(System.getenv("COMFYKIT_CI"))
                || "true".equalsIgnoreCase(System.getProperty("COMFYKIT_CI"));
    }

    /**
     * A headless Chromium with a fresh profile, or the test skipped (failed under the CI flag) when the browser or
     * its driver is not installed.
     */
    static HeadlessChromium start() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String problem = "Browser test skipped: no " + (Files.isExecutable(CHROMIUM) ? CHROMEDRIVER : CHROMIUM)
                    + " (apt-get install -y chromium chromium-driver, or -Dcomfykit.chromium/-Dcomfykit.chromedriver)";
            if (ciFlag()) {
                Assertions.fail(problem.replace("Browser test skipped", "COMFYKIT_CI=true needs the browser"));
            }
            System.out.println(problem);
            Assumptions.abort(problem);
        }
        CDP_VERSION_FINDER.setLevel(java.util.logging.Level.SEVERE);
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        Path profile = Files.createTempDirectory("progress-web-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // without the networking flags Chromium waits for Google's services, which this closed network never answers
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1160,760");
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new HeadlessChromium(driver, profile);
    }
}
