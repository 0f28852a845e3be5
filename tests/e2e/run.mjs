// End-to-end tests: drive the release build in headless Chromium with playwright-core.
//
//   node tests/e2e/run.mjs              serves dist/ (from `trunk build --release`) on a free port
//   E2E_BASE_URL=http://127.0.0.1:8080/ node tests/e2e/run.mjs     tests a running server instead
//   node tests/e2e/run.mjs home         runs only tests whose name contains "home"
//   E2E_DIST=/tmp/my-dist node tests/e2e/run.mjs     serves another build directory
//
// Tests live in tests/e2e/specs/*.mjs, each exporting `tests`: an array of { name, run }, where
// `run(t)` is an async function receiving the helpers below. Each test gets a fresh browser context;
// it fails if it throws, or if the page logged a console error or threw an uncaught exception.
// Prints `ok - name` / `not ok - name` per test and `N passed, M failed` at the end.
import { mkdir, readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "./serve.mjs";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const REPO = here("../../");
const SCREENSHOTS = here("../../target/e2e/");
const AXE_SOURCE = here("./node_modules/axe-core/axe.min.js");

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Loads every spec module, in file-name order. */
async function loadTests() {
  const specDir = here("./specs/");
  const files = (await readdir(specDir)).filter((f) => f.endsWith(".mjs")).sort();
  const tests = [];
  for (const file of files) {
    const spec = await import(new URL(`./specs/${file}`, import.meta.url));
    for (const test of spec.tests ?? []) tests.push({ ...test, file });
  }
  return tests;
}

/**
 * Runs axe-core on the current page and returns its serious and critical violations.
 * The page's CSP forbids inline scripts, so `page.addScriptTag` would be refused; axe is
 * evaluated through the DevTools protocol instead, which CSP does not govern.
 */
async function axeViolations(page, options = {}) {
  const source = await readFile(AXE_SOURCE, "utf8");
  await page.evaluate(source);
  const results = await page.evaluate(
    (runOptions) => window.axe.run(document, runOptions),
    { resultTypes: ["violations"], ...options },
  );
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    }));
}

/** Throws with a readable list if there is any serious or critical axe violation. */
async function expectNoAxeViolations(page, options) {
  const violations = await axeViolations(page, options);
  if (violations.length > 0) {
    const lines = violations.map((v) => `  [${v.impact}] ${v.id}: ${v.help} at ${v.targets.join(", ")}`);
    throw new Error(`accessibility violations:\n${lines.join("\n")}`);
  }
}

/** Runs one test in a fresh browser context; returns what went wrong (empty if it passed). */
async function runTest(browser, baseUrl, test) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) =>
    problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );

  const helpers = {
    page,
    baseUrl,
    /** Navigates to `path` (relative to the site root) and waits for the app to have mounted. */
    async open(path = "") {
      await page.goto(new URL(path, baseUrl).href);
      await page.locator("h1").first().waitFor();
    },
    /** Saves a full-page screenshot to target/e2e/<name>.png and returns its path. */
    async screenshot(name) {
      const path = `${SCREENSHOTS}${name}.png`;
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    axeViolations: (options) => axeViolations(page, options),
    expectNoAxeViolations: (options) => expectNoAxeViolations(page, options),
  };

  let failure = null;
  try {
    await test.run(helpers);
  } catch (error) {
    failure = error;
  } finally {
    await context.close();
  }
  // The page's own errors are reported alongside a failed assertion: they often explain it.
  return [...(failure ? [String(failure.stack ?? failure)] : []), ...problems];
}

async function main() {
  const filter = process.argv[2] ?? "";
  const tests = (await loadTests()).filter((t) => t.name.includes(filter));
  if (tests.length === 0) throw new Error(`no end-to-end test matches "${filter}"`);
  await mkdir(SCREENSHOTS, { recursive: true });

  const server = process.env.E2E_BASE_URL ? null : await startServer(process.env.E2E_DIST ?? `${REPO}dist`);
  const baseUrl = process.env.E2E_BASE_URL ?? server.url;
  // launch() gives every run a fresh, temporary user-data directory and removes it afterwards.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });

  let passed = 0;
  let failed = 0;
  try {
    for (const test of tests) {
      const started = performance.now();
      let failures;
      try {
        failures = await runTest(browser, baseUrl, test);
      } catch (error) {
        failures = [String(error?.stack ?? error)];
      }
      if (failures.length === 0) {
        passed += 1;
        console.log(`ok - ${test.name} (${Math.round(performance.now() - started)} ms)`);
      } else {
        failed += 1;
        console.log(`not ok - ${test.name} (${test.file})`);
        console.log(failures.join("\n").replace(/^/gm, "    # "));
      }
    }
  } finally {
    await browser.close();
    await server?.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
