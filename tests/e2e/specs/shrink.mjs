// Shrinking an anomaly (issue 14): select a double charge, shrink it in the worker, and the
// page runs the shrunk scenario: the banner says it needs exactly one fault and names it, the
// anomaly is still there and selected, the link carries the fault list and reproduces it, and
// "Back to the full run" restores the original. Screenshots at projector size, on a phone and
// in the dark theme.
import { fileURLToPath } from "node:url";

const SCREENSHOTS = fileURLToPath(new URL("../../../target/e2e/", import.meta.url));

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function viewShot(page, name) {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

async function count(page, kind) {
  const counter = page.getByTestId(`anomaly-${kind}`);
  await counter.waitFor();
  return Number(await counter.getAttribute("data-count"));
}

async function openPreset(page, open, preset, [width, height]) {
  await page.setViewportSize({ width, height });
  await open();
  await page.getByTestId("diagram").waitFor();
  // The panel lists every explanation, wherever the cursor is (app.mjs tests the default).
  await page.getByTestId("show-all-anomalies").check();
  await page.getByTestId("preset").selectOption(preset);
  await page.waitForFunction((name) => document.querySelector("[data-testid=preset]")?.value === name, preset);
}

/** Selects the first explanation and shrinks it; waits for the shrunk run's banner. */
async function shrinkFirst(page) {
  await page.locator(".explanations .explanation").first().click();
  await page.getByTestId("shrink").click();
  await page.getByTestId("shrink-summary").waitFor({ timeout: 20_000 });
}

export const tests = [
  {
    name: "shrink: a double charge needs exactly one fault, the lost response, and the link reproduces the shrunk run",
    async run({ page, open, expectNoAxeViolations }) {
      await openPreset(page, open, "lost-response", [1280, 720]);
      const before = await count(page, "double_charge");
      assert(before > 1, `lost-response shows several double charges, got ${before}`);
      await shrinkFirst(page);
      const summary = await page.getByTestId("shrink-summary").textContent();
      assert(summary.includes("needs exactly one fault"), `summary: ${summary}`);
      const faults = await page.locator("[data-testid=shrink-faults] li").allTextContents();
      assert(faults.length === 1 && faults[0].includes("was lost"), `faults: ${faults.join(" | ")}`);
      // The shrunk run keeps that one double charge, selected, and no other anomaly.
      assert((await count(page, "double_charge")) === 1, "the shrunk run has exactly the one double charge");
      await page.locator(".explanation.selected").waitFor();
      await page.getByTestId("shrink-banner").scrollIntoViewIfNeeded();
      await viewShot(page, "shrink-1280");
      await expectNoAxeViolations();

      // The address bar now reproduces the shrunk run in a fresh page.
      await page.waitForTimeout(400);
      const url = page.url();
      assert(url.includes("#v1="), `a permalink: ${url}`);
      const fresh = await page.context().newPage();
      await fresh.setViewportSize({ width: 1280, height: 720 });
      await fresh.goto(url);
      await fresh.getByTestId("diagram").waitFor();
      assert((await count(fresh, "double_charge")) === 1, "the link's run has the one double charge");
      await fresh.close();

      await page.getByTestId("shrink-back").click();
      await page.waitForFunction(
        (n) => Number(document.querySelector("[data-testid=anomaly-double_charge]")?.getAttribute("data-count")) === n,
        before,
      );
      assert((await page.getByTestId("shrink-banner").count()) === 0, "the banner goes with the shrunk run");
    },
  },
  {
    name: "shrink: a crash behind a duplicate order, on a phone and in the dark theme",
    async run({ page, open }) {
      await page.emulateMedia({ colorScheme: "dark" });
      await openPreset(page, open, "crash-after-commit", [390, 844]);
      await shrinkFirst(page);
      const text = await page.getByTestId("shrink-banner").textContent();
      assert(/crashed/.test(text), `the kept fault is the crash: ${text}`);
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      assert(scrollWidth <= innerWidth, `the page scrolls sideways (${scrollWidth} in ${innerWidth})`);
      await page.getByTestId("shrink-banner").scrollIntoViewIfNeeded();
      await viewShot(page, "shrink-390-dark");
    },
  },
];
