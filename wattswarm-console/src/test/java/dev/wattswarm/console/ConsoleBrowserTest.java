package dev.wattswarm.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in Debian's headless Chromium, driven by Selenium through Debian's chromedriver
 * (both paths given, so Selenium Manager never looks for, or downloads, anything): logging in
 * through the link {@code wattswarm console} prints, a task followed live while it runs, the
 * live events page, and refused codes and tokens.
 */
@org.junit.jupiter.api.Timeout(180)
class ConsoleBrowserTest {
  static final File CHROMIUM = new File("/usr/bin/chromium");
  static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  ChromeDriverService service;

  @TempDir Path tmp;
  ConsoleNode n;
  GatedExecutor gated;
  ChromeDriver driver;
  WebDriverWait await;

  @BeforeAll
  static void browserInstalled() {
    if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
      throw new IllegalStateException("browser tests need Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver (.ci/run does)");
    }
  }

  @BeforeEach
  void start() throws Exception {
    gated = new GatedExecutor();
    n = new ConsoleNode(tmp.resolve("n"), Clock.systemUTC(), List.of(gated),
        List.of("lead:coordinator:coordination", "sec:specialist:security"));
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM);
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,900",
        "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium")));
    // a service per test: quitting a ChromeDriver stops the service it ran on
    service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
    driver = new ChromeDriver(service, o);
    await = new WebDriverWait(driver, Duration.ofSeconds(60));
  }

  @AfterEach
  void stop() {
    gated.open();
    if (driver != null) driver.quit();
    if (n != null) n.close();
  }

  String body() {
    return driver.findElement(By.tagName("body")).getText();
  }

  void awaitText(String text) {
    await.withMessage(() -> "the page never showed '" + text + "'; it shows:\n" + body())
        .until(d -> d.findElement(By.tagName("body")).getText().contains(text));
  }

  /** Marks the document so a later check proves the page changed live, without a reload. */
  void mark() {
    ((JavascriptExecutor) driver).executeScript("window.__notReloaded = true;");
  }

  boolean stillMarked() {
    return Boolean.TRUE.equals(((JavascriptExecutor) driver).executeScript("return window.__notReloaded === true;"));
  }

  void loginThroughALink() throws Exception {
    driver.get(n.url(n.loginPath()));
    awaitText(n.host.node().nodeId().toString());
  }

  @Test
  void theConsoleLinkLogsInOnceWithAnHttpOnlyStrictCookie() throws Exception {
    String path = n.loginPath();
    driver.get(n.url(path));
    awaitText(n.host.node().nodeId().toString());
    assertThat(driver.getCurrentUrl()).endsWith("/supervision/").doesNotContain("code=");
    Cookie c = driver.manage().getCookieNamed(n.cookieName());
    assertThat(c).isNotNull();
    assertThat(c.isHttpOnly()).isTrue();
    assertThat(c.getSameSite()).isEqualTo("Strict");
    assertThat(driver.getPageSource()).doesNotContain(n.token);
    assertThat(((JavascriptExecutor) driver).executeScript("return document.cookie;")).isEqualTo("");
    awaitText("live");

    // log out from the page: the login form comes back and the API is closed to this browser
    driver.findElement(By.id("logout")).click();
    await.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    Object status = ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[0]; fetch('/v1/node').then(r => done(r.status), e => done(String(e)));");
    assertThat(status).isEqualTo(401L);

    // the same link a second time, in a browser with no session: refused, no way in
    driver.manage().deleteAllCookies();
    driver.get(n.url(path));
    awaitText("invalid, expired or already used");
    assertThat(driver.findElement(By.id("app")).isDisplayed()).isFalse();
    assertThat(driver.manage().getCookieNamed(n.cookieName())).isNull();
  }

  @Test
  void theTaskViewFollowsATaskWhileItRuns() throws Exception {
    loginThroughALink();
    driver.get(n.url("/supervision/#/tasks"));
    await.until(ExpectedConditions.presenceOfElementLocated(By.tagName("summary"))).click();
    WebElement json = await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("textarea[aria-label='task JSON']")));
    json.clear();
    json.sendKeys("{\"task_id\":\"live-1\",\"task_type\":\"swarm\",\"capability\":\"gated\",\"inputs\":{\"prompt\":\"watch me\"}}");
    driver.findElement(By.xpath("//button[text()='Submit task']")).click();
    await.until(ExpectedConditions.urlContains("#/tasks/live-1"));
    // held by the gate: claimed by our executor, no output yet
    await.until(d -> d.findElements(By.cssSelector("h2 .badge")).stream().anyMatch(b -> b.getText().equals("claimed")));
    awaitText("/gated");
    awaitText("no output yet");
    awaitText("task.claimed");
    assertThat(body()).doesNotContain("task.finalized");
    mark();

    gated.open();
    await.until(d -> d.findElements(By.cssSelector("h2 .badge")).stream().anyMatch(b -> b.getText().equals("finalized")));
    awaitText("done: watch me");
    awaitText("task.finalized");
    assertThat(stillMarked()).as("updated live, not reloaded").isTrue();
    assertThat(driver.findElements(By.xpath("//button[text()='Cancel task']"))).isEmpty();
  }

  @Test
  void theEventsPageShowsTheLogAndNewEventsAsTheyCome() throws Exception {
    loginThroughALink();
    driver.get(n.url("/supervision/#/events"));
    awaitText("node.started");
    mark();
    // held by the gate, the task is created and claimed and goes no further
    var r = n.call("POST", "/v1/tasks", "{\"task_id\":\"ev-1\",\"task_type\":\"swarm\",\"capability\":\"gated\",\"inputs\":{\"prompt\":\"x\"}}",
        "Authorization", "Bearer " + n.token);
    assertThat(r.statusCode()).isEqualTo(201);
    awaitText("ev-1");
    awaitText("task.claimed");
    assertThat(body()).contains("task.created");
    assertThat(stillMarked()).isTrue();
    // an operator action from the page: cancel the running task from its view
    driver.findElement(By.linkText("ev-1")).click();
    await.until(ExpectedConditions.elementToBeClickable(By.xpath("//button[text()='Cancel task']"))).click();
    await.until(d -> d.findElements(By.cssSelector("h2 .badge")).stream().anyMatch(b -> b.getText().equals("cancelled")));
  }

  @Test
  void badCodesAndWrongTokensAreRefusedAndTheRightTokenLogsIn() throws Exception {
    driver.get(n.url("/supervision/login?code=" + "A".repeat(43)));
    awaitText("invalid, expired or already used");
    assertThat(driver.findElement(By.id("app")).isDisplayed()).isFalse();
    // the page's own call to the API is refused without a session
    Object status = ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[0]; fetch('/v1/node').then(r => done(r.status), e => done(String(e)));");
    assertThat(status).isEqualTo(401L);

    driver.get(n.url("/supervision"));
    WebElement token = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    token.sendKeys("not-the-token");
    token.submit();
    awaitText("Wrong control token");
    assertThat(driver.manage().getCookieNamed(n.cookieName())).isNull();

    token = await.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
    token.sendKeys(n.token);
    token.submit();
    awaitText(n.host.node().nodeId().toString());
    assertThat(driver.getPageSource()).doesNotContain(n.token);
  }

  @Test
  void aWorkflowStartedFromThePageRunsToItsSynthesisAndTheAgentsShowTheirDecisions() throws Exception {
    loginThroughALink();
    driver.get(n.url("/supervision/#/agents"));
    awaitText("coordination");
    awaitText("security");
    driver.get(n.url("/supervision/#/workflows"));
    await.until(ExpectedConditions.presenceOfElementLocated(By.tagName("summary"))).click();
    WebElement goal = await.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("textarea[aria-label='goal JSON']")));
    goal.clear();
    goal.sendKeys("{\"code\":\"x = eval(y)\"}");
    driver.findElement(By.cssSelector("input[placeholder^='capabilities']")).sendKeys("security");
    driver.findElement(By.xpath("//button[text()='Start workflow']")).click();
    await.until(ExpectedConditions.urlContains("#/workflows/wf-"));
    await.until(d -> d.findElements(By.cssSelector("h2 .badge")).stream().anyMatch(b -> b.getText().equals("finished")));
    awaitText("eval on untrusted input");
    driver.findElement(By.linkText("Agents")).click();
    awaitText("step_done");
    driver.findElement(By.linkText("sec")).click();
    // (headings are upper-cased by CSS, so read the DOM text rather than the rendered text)
    await.until(d -> d.findElements(By.cssSelector("h3 span")).stream()
        .anyMatch(e -> "Decisions of sec".equals(e.getDomProperty("textContent").strip())));
    awaitText("step_done");
  }
}
