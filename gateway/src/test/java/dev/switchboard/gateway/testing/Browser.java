package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver, for the console's browser tests. Both come from the
 * distribution (`.ci/chromium.sh` installs them when missing, as the tests start), never downloaded by Selenium: the
 * tests install what they need or fail, they never skip.
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getProperty("switchboard.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("switchboard.chromedriver", "/usr/bin/chromedriver"));
    /** Generous: a shared CI machine may be slow, and nothing here measures speed. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    public static Browser start() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            ensureInstalled();
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // A laptop screen; --no-sandbox because CI containers run as root.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1366,900",
                "--no-first-run", "--disable-extensions", "--disable-background-networking");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new Browser(new ChromeDriver(service, options));
    }

    /** As RedisServer does for redis-server: the tests install what they need rather than skip. */
    private static void ensureInstalled() {
        try {
            Path script = Path.of(System.getProperty("switchboard.repo.root", "..")).resolve(".ci/chromium.sh");
            Process install = new ProcessBuilder("bash", script.toString()).inheritIO().start();
            if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0
                    || !Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
                throw new IllegalStateException("The console's browser tests need Debian's chromium and chromium-driver (" + CHROMIUM
                        + ", " + CHROMEDRIVER + "), and .ci/chromium.sh could not install them");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Waits (up to {@link #WAIT}) until the condition holds (non-null, not false), re-evaluating it as the page redraws. */
    public <T> T until(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT, Duration.ofMillis(100)).ignoring(StaleElementReferenceException.class).until(condition);
    }

    /** The text of the element once it is there; the page redraws its data, so an element found earlier may be gone. */
    public String text(By locator) {
        return until(d -> d.findElement(locator).getText());
    }

    @Override
    public void close() {
        driver.quit();
    }
}
