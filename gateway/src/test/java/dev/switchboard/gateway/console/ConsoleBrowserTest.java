package dev.switchboard.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.switchboard.gateway.testing.Browser;
import dev.switchboard.gateway.testing.ConsoleTestResource;
import dev.switchboard.gateway.testing.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * The console in a real headless Chromium against a gateway in front of the OpenAI simulator: each page shows the
 * live state as traffic and reloads change it, the admin key is required, and no secret value reaches a page or its
 * data. One browser and one application for the whole class; the first test signs in through the key form, the
 * others reuse the tab's session. Screenshots of each page go to target/console-screenshots (or to the directory
 * named by -Dconsole.screenshots, which is how docs/console/ is refreshed).
 */
@QuarkusTest
@QuarkusTestResource(value = ConsoleTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

    /** The page-weight budget the docs state: everything one load of the console fetches. */
    static final long PAGE_BUDGET_BYTES = 100 * 1024;

    @TestHTTPResource("/v1")
    URL v1;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    private static Browser browser;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void theAdminKeyIsRequiredAndAskedForOnThePage() {
        for (String view : List.of("overview", "models", "providers", "clients", "requests", "reloads")) {
            HttpResponse<String> anonymous = Http.get(console("api/" + view));
            assertThat(anonymous.statusCode()).as(view).isEqualTo(401);
            assertThat(Http.error(anonymous).getString("code")).isEqualTo("invalid_admin_key");
            HttpResponse<String> wrong = Http.send("GET", console("api/" + view), null, "authorization", "Bearer sk-wrong");
            assertThat(wrong.statusCode()).as(view).isEqualTo(401);
        }

        ChromeDriver driver = browser.driver();
        driver.get(console("#models").toString());
        WebElement key = browser.until(d -> displayed(d.findElement(By.id("key-form"))) ? d.findElement(By.id("admin-key")) : null);
        assertThat(driver.findElements(By.cssSelector("[data-model]"))).isEmpty();

        key.sendKeys("sk-not-the-admin-key", Keys.ENTER);
        browser.until(d -> d.findElement(By.id("key-error")).getText().contains("not accepted"));
        assertThat(driver.findElements(By.cssSelector("[data-model]"))).isEmpty();

        driver.findElement(By.id("admin-key")).sendKeys(ConsoleTestResource.ADMIN_KEY, Keys.ENTER);
        browser.until(d -> !d.findElements(By.cssSelector("[data-model='gpt-4o']")).isEmpty());
        assertThat(driver.getPageSource()).doesNotContain(ConsoleTestResource.ADMIN_KEY);
    }

    @Test
    @Order(2)
    void overviewShowsTheTableAndChartsTheTraffic() {
        ChromeDriver driver = open("overview");
        String hash = new JsonObject(Http.get(uri(management, "q/switchboard/config")).body()).getString("hash");
        browser.until(d -> hash.equals(d.findElement(By.id("fact-hash")).getText()));
        assertThat(browser.text(By.id("fact-replica"))).isNotBlank();
        assertThat(browser.text(By.cssSelector("main .note"))).contains("Each replica");

        for (int i = 0; i < 10; i++) {
            chat(i % 2 == 0 ? "ops" : "batch", "gpt-4o");
        }
        // The newest point of the request-rate series turns positive; its chart is drawn by uPlot.
        browser.until(d -> view("overview").getJsonObject("series").getJsonArray("rate").stream()
                .anyMatch(v -> ((Number) v).doubleValue() > 0));
        for (String chart : List.of("rate", "success", "latency", "tokens", "spend")) {
            browser.until(d -> !d.findElements(By.cssSelector("#chart-" + chart + " .uplot canvas")).isEmpty());
        }
        screenshot(driver, "overview");
    }

    @Test
    @Order(3)
    void modelsShowABreakerOpenedByUpstreamFailuresWithItsReason() {
        ChromeDriver driver = open("models");
        By brokenBreaker = By.cssSelector("[data-model='broken'] tr[data-target='sim-openai/fail-500'] .breaker");
        browser.until(d -> d.findElement(brokenBreaker).getText().startsWith("CLOSED"));
        assertThat(browser.text(By.cssSelector("[data-model='legacy'] .deprecation"))).contains("gpt-4o").contains("2099-12-31");
        assertThat(browser.text(By.cssSelector("[data-model='gpt-4o']"))).contains("gpt-4o-latest");

        // The settings open a breaker after 5 failures in a row; the simulator answers this model with 500.
        for (int i = 0; i < 5; i++) {
            chat("ops", "broken");
        }
        String open = browser.until(d -> {
            String text = d.findElement(brokenBreaker).getText();
            return text.startsWith("OPEN") ? text : null;
        });
        assertThat(open).contains("5 consecutive failures");
        assertThat(browser.text(By.cssSelector("tr[data-target='sim-openai/fail-500'] .probe"))).matches("\\d+ s");
        // Key health by fingerprint, next to the target.
        assertThat(browser.text(By.cssSelector("tr[data-target='sim-openai/upstream-gpt-4o']"))).contains("healthy");
        screenshot(driver, "models");
    }

    @Test
    @Order(4)
    void providersShowTheirLimitsInUseAndKeysByFingerprint() {
        ChromeDriver driver = open("providers");
        assertThat(browser.text(By.cssSelector("tr[data-provider='sim-openai']")))
                .contains("OpenAI").contains("http://127.0.0.1:").contains("upstream-gpt-4o").contains("left of 600");
        browser.until(d -> d.findElements(By.cssSelector("tr[data-provider='sim-openai'] li[data-key]")).size() == 2);

        By concurrency = By.cssSelector("tr[data-provider='sim-openai'] .concurrency");
        browser.until(d -> d.findElement(concurrency).getText().equals("0 in flight of 50"));
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> chat("batch", "slow"));
        browser.until(d -> d.findElement(concurrency).getText().equals("1 in flight of 50"));
        screenshot(driver, "providers");
        slow.join();
        browser.until(d -> d.findElement(concurrency).getText().equals("0 in flight of 50"));
    }

    @Test
    @Order(5)
    void aClientsSpendMovesAfterItsRequests() {
        ChromeDriver driver = open("clients");
        By opsDay = By.cssSelector("tr[data-client='ops'] .budget-day");
        String before = browser.until(d -> {
            String text = d.findElement(opsDay).getText();
            return text.contains(" of 5") ? text : null;
        });
        double spentBefore = spent(before);
        chat("ops", "gpt-4o");
        chat("ops", "gpt-4o");
        // Two completions at 0.012 each.
        browser.until(d -> spent(d.findElement(opsDay).getText()) >= spentBefore + 0.024 - 1e-9);
        assertThat(browser.text(opsDay)).contains("renews");
        assertThat(browser.text(By.cssSelector("tr[data-client='batch']"))).contains("team-batch").contains("left of 500");
        screenshot(driver, "clients");
    }

    @Test
    @Order(6)
    void requestsListARequestThatJustRanAndFilterByModelClientAndStatus() {
        String requestId = chat("batch", "gpt-4o");
        ChromeDriver driver = open("requests");
        By justRan = By.cssSelector("tr[data-request='" + requestId + "']");
        assertThat(browser.text(justRan)).contains("batch").contains("gpt-4o").contains("sim-openai").contains("200");

        driver.findElement(By.id("filter-model")).sendKeys("broken");
        browser.until(d -> d.findElements(justRan).isEmpty() && allRows(d, "model", "broken") && allRows(d, "status", "5"));

        driver.findElement(By.id("filter-model")).clear();
        driver.findElement(By.id("filter-client")).sendKeys("batch");
        new Select(driver.findElement(By.id("filter-status"))).selectByValue("2xx");
        browser.until(d -> !d.findElements(justRan).isEmpty() && allRows(d, "client", "batch") && allRows(d, "status", "2"));
        new Select(driver.findElement(By.id("filter-status"))).selectByValue("5xx");
        browser.until(d -> d.findElements(By.cssSelector("#requests tbody tr")).isEmpty());
        new Select(driver.findElement(By.id("filter-status"))).selectByValue("all");
        driver.findElement(By.id("filter-client")).clear();
        browser.until(d -> d.findElements(By.cssSelector("#requests tbody tr")).size() > 1);
        screenshot(driver, "requests");
    }

    /** Whether the Requests table has rows and each one's cell of that class starts with the text. */
    private static boolean allRows(WebDriver driver, String cell, String prefix) {
        List<WebElement> rows = driver.findElements(By.cssSelector("#requests tbody tr"));
        return !rows.isEmpty() && rows.stream().allMatch(r -> r.findElement(By.cssSelector("." + cell)).getText().startsWith(prefix));
    }

    @Test
    @Order(7)
    void aRejectedTableShowsItsProblemWhileTheLastGoodOneServes() throws IOException {
        String serving = view("overview").getString("hash");
        ChromeDriver driver = open("reloads");
        browser.until(d -> d.findElement(By.id("reloads")).getText().contains("Accepted"));
        ConsoleTestResource.writeRejectedTable();
        try {
            String rejected = browser.until(d -> {
                WebElement item = first(d.findElements(By.cssSelector("ol.reloads > li.rejected")));
                return item == null ? null : item.getText();
            });
            assertThat(rejected).contains("models[legacy].strategy: unknown strategy " + ConsoleTestResource.REJECTED_STRATEGY);
            assertThat(browser.text(By.id("reloads"))).contains("Serving " + serving);
            screenshot(driver, "reloads");
        } finally {
            ConsoleTestResource.writeTable();
        }
        browser.until(d -> d.findElement(By.cssSelector("ol.reloads > li")).getAttribute("class").equals("accepted"));
    }

    @Test
    @Order(8)
    void noSecretValueAppearsInAnyPageOrItsData() {
        ChromeDriver driver = browser.driver();
        for (String page : List.of("overview", "models", "providers", "clients", "requests", "reloads")) {
            open(page);
            browser.until(d -> d.findElement(By.id("status")).getText().startsWith("Updated"));
            String dom = driver.getPageSource();
            String data = Http.send("GET", console("api/" + page), null, "authorization", "Bearer " + ConsoleTestResource.ADMIN_KEY).body();
            for (String secret : ConsoleTestResource.secretValues()) {
                assertThat(dom).as(page + " page").doesNotContain(secret);
                assertThat(data).as(page + " data").doesNotContain(secret);
            }
        }
    }

    @Test
    void theWholePageStaysWithinItsWeightBudget() {
        long bytes = 0;
        for (String file : List.of("", "assets/console.js", "assets/console.css", "assets/uplot.js", "assets/uplot.css")) {
            HttpResponse<String> response = Http.get(console(file));
            assertThat(response.statusCode()).as(file).isEqualTo(200);
            bytes += response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        assertThat(bytes).isLessThanOrEqualTo(PAGE_BUDGET_BYTES);
    }

    @Test
    void theConsoleIsNotOnTheClientPort() {
        for (String path : List.of("/console/", "/console/api/overview", "/console/assets/uplot.js")) {
            assertThat(Http.get(uri(v1, path)).statusCode()).as(path).isEqualTo(404);
        }
    }

    // ---- helpers ----

    private ChromeDriver open(String page) {
        ChromeDriver driver = browser.driver();
        driver.get(console("#" + page).toString());
        browser.until(d -> d.findElement(By.id("status")).getText().startsWith("Updated"));
        return driver;
    }

    /** One chat completion as the client, through the official SDK; returns the gateway's request id. */
    private String chat(String client, String model) {
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey(ConsoleTestResource.CLIENT_KEYS.get(client))
                .maxRetries(0).build();
        try {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(model).addUserMessage("hello").build();
            return sdk.chat().completions().withRawResponse().create(params).headers().values("x-request-id").get(0);
        } catch (OpenAIServiceException e) {
            return e.headers().values("x-request-id").get(0);
        } finally {
            sdk.close();
        }
    }

    private JsonObject view(String name) {
        HttpResponse<String> response = Http.send("GET", console("api/" + name), null, "authorization", "Bearer " + ConsoleTestResource.ADMIN_KEY);
        assertThat(response.statusCode()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private URI console(String rest) {
        return uri(management, "console/" + rest);
    }

    private static URI uri(URL base, String path) {
        return URI.create(base.toString()).resolve(path.startsWith("/") ? path : "/" + path);
    }

    /** The spent amount in a budget cell ("0.036 of 5 ..."). */
    private static double spent(String budgetCell) {
        String first = budgetCell.split(" ")[0];
        return first.equals("–") ? -1 : Double.parseDouble(first);
    }

    private static boolean displayed(WebElement element) {
        return element.isDisplayed();
    }

    private static <T> T first(List<T> list) {
        return list.isEmpty() ? null : list.get(0);
    }

    private static void screenshot(ChromeDriver driver, String page) {
        Path dir = Path.of(System.getProperty("console.screenshots", "target/console-screenshots"));
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(page + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
