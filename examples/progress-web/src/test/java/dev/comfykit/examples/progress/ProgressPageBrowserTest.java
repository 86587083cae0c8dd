package dev.comfykit.examples.progress;

import dev.comfykit.emulator.ComfyUiEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page in a real browser: headless Chromium types a prompt, clicks Generate and watches the job against the
 * emulator (a preview every 2 of its 20 steps). Once a preview is shown and the bar is at 40% or more, the emulator's
 * execution is stalled, so that the mid-progress screenshot is taken while the job is really mid-way whatever the
 * machine's speed; released, the job ends and the final screenshot shows the image. Screenshots:
 * {@code target/screenshots/progress-mid.png} and {@code target/screenshots/progress-final.png}.
 */
class ProgressPageBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private static HeadlessChromium browser;
    private static ComfyUiEmulator emulator;
    private static ProgressWeb web;

    @BeforeAll
    static void start() throws Exception {
        browser = HeadlessChromium.start();
        emulator = ComfyUiEmulator.builder().stepTime(Duration.ofMillis(150)).previewEvery(2).start();
        web = ProgressWeb.start("127.0.0.1", 0, emulator.baseUrl());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (web != null) {
            web.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void aPersonSeesTheProgressThePreviewsAndThenTheImage() throws Exception {
        ChromeDriver driver = browser.driver();
        driver.get("http://127.0.0.1:" + web.port() + "/");
        driver.findElement(By.id("prompt")).sendKeys("a red fox asleep in the snow");
        driver.findElement(By.id("generate")).click();

        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(20));
        wait.withMessage(() -> "no preview with the bar mid-way; the page shows " + pageState(driver))
                .until(d -> Boolean.TRUE.equals(driver.executeScript("""
                        const bar = document.getElementById('progress');
                        const preview = document.getElementById('preview');
                        return window.comfykit.previewsShown > 0 && !preview.hidden && preview.complete
                            && preview.naturalWidth > 0 && bar.value >= 40 && bar.value < 100;
                        """)));
        emulator.faults().stallExecution();
        try {
            Map<String, Object> mid = pageState(driver);
            assertThat((Number) mid.get("bar")).as("the bar is mid-way").matches(v -> v.doubleValue() > 0
                    && v.doubleValue() < 100);
            assertThat(mid.get("state")).isEqualTo("running");
            screenshot(driver, "progress-mid.png");
        } finally {
            emulator.faults().releaseStall();
        }

        wait.withMessage(() -> "the job did not end with the image; the page shows " + pageState(driver))
                .until(d -> !"running".equals(driver.executeScript("return window.comfykit.state")));
        Map<String, Object> end = pageState(driver);
        assertThat(end.get("error")).isNull();
        assertThat(end.get("state")).isEqualTo("done");
        assertThat(end.get("resultWidth")).isEqualTo(512L);
        assertThat(end.get("resultHeight")).isEqualTo(320L);
        assertThat((Long) end.get("previews")).as("previews shown").isPositive();
        @SuppressWarnings("unchecked")
        List<Number> seen = (List<Number>) end.get("progressSeen");
        assertThat(seen).as("the bar went through intermediate values, then 100")
                .anyMatch(v -> v.doubleValue() > 0 && v.doubleValue() < 50)
                .anyMatch(v -> v.doubleValue() >= 50 && v.doubleValue() < 100)
                .last().matches(v -> v.doubleValue() == 100);
        assertThat(driver.findElement(By.id("status")).getText()).isEqualTo("Done");
        screenshot(driver, "progress-final.png");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> pageState(ChromeDriver driver) {
        return (Map<String, Object>) driver.executeScript("""
                const result = document.getElementById('result');
                return {state: window.comfykit.state, error: window.comfykit.error,
                        bar: document.getElementById('progress').value,
                        status: document.getElementById('status').textContent,
                        progressSeen: window.comfykit.progressSeen, previews: window.comfykit.previewsShown,
                        resultWidth: result.hidden ? 0 : result.naturalWidth,
                        resultHeight: result.hidden ? 0 : result.naturalHeight};
                """);
    }

    private static void screenshot(ChromeDriver driver, String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
    }
}
