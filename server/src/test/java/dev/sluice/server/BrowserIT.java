package dev.sluice.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Flow;
import dev.sluice.RunContext;
import dev.sluice.SluiceRuntime;
import dev.sluice.block.BlockStore;
import dev.sluice.history.HistoryDatabase;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run
 * installs), driven by Selenium: one browser for all the tests. Screenshots go to target/screenshots.
 */
class BrowserIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "screenshots");
    static ChromeDriver browser;
    static WebDriverWait wait;
    static Path profile;
    /** Debian's chromium is often newer than the DevTools versions this Selenium knows: a warning, not a problem here. */
    static final java.util.logging.Logger SELENIUM_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium");

    final Fixture f = Fixture.shared();

    @TempDir
    Path dir;

    @BeforeAll
    static void openBrowser() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver; .ci/run does it)");
        SELENIUM_LOG.setLevel(java.util.logging.Level.SEVERE);
        profile = Files.createTempDirectory("sluice-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-extensions", "--window-size=1366,900", "--user-data-dir=" + profile);
        org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.ignoring(StaleElementReferenceException.class); // htmx swaps parts of a page in: an element read as it is replaced is read again
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    static void screenshot(String name) throws IOException {
        Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void openTheRunsPageFilterAndOpenARun() throws IOException {
        long start = System.nanoTime();
        browser.get(f.uri("/runs").toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#runs tr.run")));
        long loadMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(loadMillis).as("runs page in the browser").isLessThan(5_000);
        wait.until(d -> ((Number) browser.executeScript(
                "return document.getElementById('chart-24h').naturalWidth")).intValue() > 0);
        screenshot("runs");

        WebElement flow = browser.findElement(By.name("flow"));
        flow.clear();
        flow.sendKeys("daily-etl");
        browser.findElement(By.cssSelector("input[name=state][value=COMPLETED]")).click();
        browser.findElement(By.id("apply")).click();
        wait.until(ExpectedConditions.urlContains("flow=daily-etl"));
        wait.until(d -> d.findElements(By.cssSelector("#runs tr.run")).stream().allMatch(r -> r.getText().contains("daily-etl")));
        assertThat(browser.getCurrentUrl()).contains("state=COMPLETED");
        List<WebElement> rows = browser.findElements(By.cssSelector("#runs tr.run"));
        assertThat(rows).hasSize(Fixture.ETL_RUNS);
        screenshot("runs-filtered");

        rows.get(0).findElement(By.cssSelector("a")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("run-state")));
        assertThat(browser.findElement(By.id("run-state")).getText()).isEqualTo("COMPLETED");
        assertThat(browser.findElements(By.cssSelector("svg.gantt rect.task"))).hasSize(3);
        screenshot("run");

        browser.get(f.uri("/runs/" + f.parentRunId).toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("subflows")));
        assertThat(browser.findElement(By.id("error")).getText()).contains("report could not be written");
        screenshot("run-failed");

        browser.get(f.uri("/blocks").toString());
        String blocks = browser.findElement(By.id("blocks")).getText();
        assertThat(blocks).contains("warehouse").contains("**********").doesNotContain(Fixture.BLOCK_SECRET);
        screenshot("blocks");
    }

    @Test
    void watchALiveLogLineArrive() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> runId = new CompletableFuture<>();
        Flow<Integer, Integer> slow = Flow.named("browser-live").withRunName("watched-{arg0}").of((Integer n) -> {
            runId.complete(RunContext.flowRun().orElseThrow().id());
            RunContext.logger().info("waiting for the browser");
            release.await(30, TimeUnit.SECONDS);
            RunContext.logger().info("hello from the running flow {}", n);
            Thread.sleep(1500);
            return n;
        });
        try (SluiceRuntime runtime = SluiceRuntime.builder().home(f.dir).withoutExtensions().recorder(f.history.recorder()).build()) {
            Thread runner = new Thread(() -> runtime.runForState(slow, 7));
            runner.start();
            String id = runId.get(20, TimeUnit.SECONDS);
            f.history.flush();
            browser.get(f.uri("/runs/" + id).toString());
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("live")));
            wait.until(d -> d.findElement(By.id("logs")).getText().contains("waiting for the browser"));
            Thread.sleep(700); // the event stream is open
            release.countDown();
            // the page swaps these parts in as the stream goes on: an element read just as it is replaced is read again
            new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
                    .until(d -> d.findElement(By.id("logs")).getText().contains("hello from the running flow 7"));
            screenshot("run-live");
            runner.join(30_000);
            // the end of the stream brings the page up to date: the run's state, without a reload
            new WebDriverWait(browser, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
                    .until(d -> d.findElement(By.id("run-state")).getText().equals("COMPLETED"));
            assertThat(browser.findElements(By.id("live"))).isEmpty();
        }
    }

    @Test
    void triggerADeploymentThroughItsFormAndWatchTheRunComplete() throws IOException {
        browser.get(f.uri("/deployments").toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("deployments")));
        screenshot("deployments");
        browser.findElement(By.linkText(Fixture.DEPLOYMENT)).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("run-form")));
        assertThat(browser.findElements(By.cssSelector("#next-runs li"))).hasSize(5);

        new Select(browser.findElement(By.name("p.mode"))).selectByVisibleText("DELTA");
        WebElement day = browser.findElement(By.name("p.day"));
        assertThat(day.getDomAttribute("type")).isEqualTo("date");
        day.sendKeys("11302026"); // Chromium's date picker: month, day, year (en-US)
        if (!"2026-11-30".equals(day.getDomProperty("value"))) {
            browser.executeScript("arguments[0].value = '2026-11-30'", day); // another locale's order
        }
        browser.findElement(By.cssSelector("input[type=checkbox][name='p.dryRun']")).click();
        WebElement days = browser.findElement(By.name("p.days"));
        days.clear();
        days.sendKeys("500");
        browser.findElement(By.id("trigger")).click();

        // the server's message next to the field, the values as entered
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".field.invalid .field-error")));
        assertThat(browser.findElement(By.cssSelector(".field.invalid .field-error")).getText()).contains("90");
        assertThat(browser.findElement(By.cssSelector(".field.invalid input")).getDomAttribute("name")).isEqualTo("p.days");
        assertThat(new Select(browser.findElement(By.name("p.mode"))).getFirstSelectedOption().getText()).isEqualTo("DELTA");
        assertThat(browser.findElement(By.name("p.day")).getDomProperty("value")).isEqualTo("2026-11-30");
        assertThat(browser.findElement(By.cssSelector("input[type=checkbox][name='p.dryRun']")).isSelected()).isTrue();
        screenshot("deployment-invalid");

        days = browser.findElement(By.name("p.days"));
        days.clear();
        days.sendKeys("30");
        browser.findElement(By.id("trigger")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("triggered")));
        String id = browser.findElement(By.id("triggered")).getText();
        // the recent runs refresh themselves until the run has ended
        new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElement(By.id("dr-" + id)).findElement(By.className("status")).getText().equals("COMPLETED"));
        java.util.Map<String, Object> params = f.worker.client().run(id).orElseThrow().parameters();
        assertThat(params).containsEntry("mode", "DELTA").containsEntry("day", "2026-11-30").containsEntry("dryRun", true);
        assertThat(((Number) params.get("days")).intValue()).isEqualTo(30);
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1366, 1500)); // the whole page, for the docs
        try {
            screenshot("deployment");
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1366, 900));
        }

        browser.findElement(By.id("dr-" + id)).findElement(By.className("flow-run")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("deployment-run")));
        assertThat(browser.findElement(By.id("run-state")).getText()).isEqualTo("COMPLETED");
        assertThat(browser.findElements(By.id("retry"))).hasSize(1);

        browser.get(f.uri("/workers").toString());
        assertThat(browser.findElement(By.id("workers")).getText()).contains("fixture-worker").contains(Fixture.DEPLOYMENT);
        screenshot("workers");
    }

    @Test
    void logInAndOutAndBeRefusedAsAViewer() throws IOException {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("browser-keys.db"));
        String viewer;
        String admin;
        try (ApiKeys keys = ApiKeys.open(db)) {
            viewer = keys.create("vera", Role.VIEWER).token().reveal();
            admin = keys.create("ada", Role.ADMIN).token().reveal();
        }
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                .blockStore(BlockStore.inMemory()).build())) {
            browser.get(server.url().resolve("/runs").toString());
            wait.until(ExpectedConditions.urlContains("/login"));
            screenshot("login");
            browser.findElement(By.id("key")).sendKeys(viewer);
            browser.findElement(By.id("login")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("runs")));
            assertThat(browser.findElement(By.id("user")).getText()).contains("vera").contains("viewer");
            assertThat(browser.findElements(By.linkText("API keys"))).isEmpty();

            browser.get(server.url().resolve("/keys").toString());
            assertThat(browser.findElement(By.tagName("h1")).getText()).contains("403");
            assertThat(browser.findElement(By.className("error-message")).getText()).contains("needs the admin role");
            screenshot("refused");

            browser.findElement(By.id("logout")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("key")));
            browser.get(server.url().resolve("/runs").toString());
            wait.until(ExpectedConditions.urlContains("/login"));

            browser.findElement(By.id("key")).sendKeys(admin);
            browser.findElement(By.id("login")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("runs")));
            browser.findElement(By.linkText("API keys")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("create-key")));
            browser.findElement(By.cssSelector("#create-key input[name=name]")).sendKeys("from-the-browser");
            browser.findElement(By.cssSelector("#create-key button")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("new-token")));
            assertThat(browser.findElement(By.id("new-token")).getText()).startsWith("sluice_");
            assertThat(server.apiKeys().list()).extracting(ApiKey::name).contains("from-the-browser");
            screenshot("keys");
            browser.findElement(By.id("logout")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("key")));
        }
    }

    @Test
    void aNewKeyAndThePagesSeenStayOutOfTheBrowsersStorageAndAreNotShownAgainAfterLoggingOut() throws IOException {
        HistoryDatabase db = HistoryDatabase.sqlite(dir.resolve("browser-history.db"));
        String admin;
        try (ApiKeys keys = ApiKeys.open(db)) {
            admin = keys.create("hanna", Role.ADMIN).token().reveal();
        }
        try (SluiceServer server = SluiceServer.start(ServerOptions.builder().database(db).port(0).printUrl(false)
                .blockStore(BlockStore.inMemory()).build())) {
            browser.get(server.url().resolve("/login?next=/keys").toString());
            browser.findElement(By.id("key")).sendKeys(admin);
            browser.findElement(By.id("login")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("create-key")));
            browser.findElement(By.cssSelector("#create-key input[name=name]")).sendKeys("shown-once");
            browser.findElement(By.cssSelector("#create-key button")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("new-token")));
            String token = browser.findElement(By.id("new-token")).getText();
            assertThat(token).startsWith("sluice_");
            // on through the menu (htmx swaps the page in and, by default, keeps the page it leaves in localStorage)
            browser.findElement(By.linkText("Runs")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("runs")));
            browser.findElement(By.linkText("Workers")).click();
            wait.until(ExpectedConditions.urlContains("/workers"));
            String stored = String.valueOf(browser.executeScript("return JSON.stringify(localStorage)"));
            assertThat(stored).as("the browser's localStorage (on disk, kept after logging out)").doesNotContain(token)
                    .doesNotContain("hanna");

            browser.findElement(By.id("logout")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("key")));
            // Back to the pages seen while logged in: the server is asked again, and sends the login form
            for (int i = 0; i < 3; i++) {
                browser.navigate().back();
                wait.until(d -> d.findElements(By.id("key")).size() == 1 || d.findElements(By.id("runs")).size() == 1
                        || d.findElements(By.id("create-key")).size() == 1 || d.getCurrentUrl().contains("/workers"));
                String shown = browser.findElement(By.tagName("body")).getText();
                assertThat(shown).as("page shown after Back (%s)", browser.getCurrentUrl()).doesNotContain(token)
                        .doesNotContain("hanna");
            }
        }
    }

    @Test
    void pagesShowingHostileNamesRunNoScriptOfTheirsAndLeaveTheConsoleClean() {
        browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER); // what earlier tests left
        List<String> problems = new java.util.ArrayList<>();
        for (String path : List.of("/runs", "/runs/" + f.hostileRunId, "/runs/" + f.hostileRunId + "/logs", "/runs?flow=xss-%3Cb%3Eflow%3C%2Fb%3E",
                "/deployments", "/deployments/" + java.net.URLEncoder.encode(Fixture.HOSTILE_DEPLOYMENT,
                        java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"), "/workers", "/blocks")) {
            browser.get(f.uri(path).toString());
            wait.until(d -> "complete".equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState")));
            Object injected = browser.executeScript("return document.querySelectorAll('main script, main img[src=\"x\"], main svg[onload],"
                    + " [onerror], [onload]').length");
            if (((Number) injected).intValue() != 0) {
                problems.add(path + ": " + injected + " elements made of a run's or deployment's text");
            }
            // a script of the page's text that the Content-Security-Policy stopped, a missing file: errors in the console
            for (org.openqa.selenium.logging.LogEntry e : browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER)) {
                if (e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    problems.add(path + ": " + e.getMessage());
                }
            }
        }
        assertThat(problems).isEmpty();
    }
}
