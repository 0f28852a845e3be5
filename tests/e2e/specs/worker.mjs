// Issue 11, item 1: big runs happen in a web worker. The page keeps the run on screen and
// its controls responsive, says "Running…" with progress and offers Cancel, applies only
// the latest run asked for, and no main-thread task is long. The trace hash of a run made
// in the worker is the one the engine computes natively (tests/wire.rs pins it).
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const hashFile = async (name) =>
  (await readFile(fileURLToPath(new URL(`../../data/${name}`, import.meta.url)), "utf8")).trim();

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const round = (x) => Math.round(x * 10) / 10;
const traceHash = (page) => page.getByTestId("trace-hash").textContent();

/** Records long tasks and every trace hash shown, from the page's first moment. Injected
 * through the DevTools protocol, so the page's CSP does not apply. */
async function observe(page) {
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: "longtask", buffered: true });
    window.__hashes = [];
    new MutationObserver(() => {
      const shown = document.querySelector("[data-testid=trace-hash]")?.textContent;
      if (shown && shown !== window.__hashes.at(-1)) window.__hashes.push(shown);
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
}

/** crash-after-commit with the given operations (the browser's most: 20,000, about 650,000
 * events), typed as a teacher would. */
async function setOperations(page, operations) {
  const field = page.getByTestId("knob-operations");
  await field.fill(String(operations));
  await field.press("Enter");
}

async function openCrashAfterCommit(page, open) {
  await open();
  await page.getByTestId("preset").selectOption("crash-after-commit");
  await page.locator("[data-testid=diagram] .arrow").first().waitFor({ state: "attached" });
}

/** Waits until no run is pending (the centre column is no longer busy). */
const settled = (page) =>
  page.waitForFunction(() => document.querySelector(".centre")?.getAttribute("aria-busy") === "false", null,
    { timeout: 60_000 });

const waitForEvents = (page, more) =>
  page.waitForFunction((n) => Number(document.querySelector("[data-testid=scrubber]").max) > n, more,
    { timeout: 60_000 });

export const tests = [
  {
    name: "worker: a 20,000-operation run leaves the page responsive, with progress, and the native trace hash",
    async run({ page, open }) {
      await observe(page);
      await openCrashAfterCommit(page, open);
      const before = await traceHash(page);
      await page.evaluate(() => {
        window.__longTasks = [];
        performance.clearMeasures();
      });
      const asked = Date.now();
      await setOperations(page, 20000);

      // While it runs: "Running…" with progress and Cancel, the previous run still on
      // screen, and the controls showing what was asked for.
      await page.getByTestId("cancel-run").waitFor();
      const progress = page.locator("[data-testid=run-status] progress");
      assert(await progress.count() === 1, "a progress bar is shown");
      assert(await traceHash(page) === before, "the previous run stays on screen while the new one runs");
      assert(await page.getByTestId("knob-operations").inputValue() === "20000", "the field shows what was asked for");
      assert(await page.locator("[data-testid=diagram] .arrow").count() > 0, "the previous diagram stays");
      assert(await page.locator(".centre").getAttribute("aria-busy") === "true", "the centre column says it is busy");
      // Controls stay responsive: the time cursor of the run on screen still moves.
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("ArrowRight");
      await page.waitForFunction(() => document.querySelector("[data-testid=scrubber]").value === "1");

      await waitForEvents(page, 400_000);
      const wallMs = Date.now() - asked;
      await settled(page);
      await page.waitForTimeout(300); // Long tasks are reported after they end.
      const { longTasks, measures } = await page.evaluate(() => ({
        longTasks: window.__longTasks,
        measures: performance.getEntriesByType("measure").map((m) => ({ name: m.name, duration: m.duration, detail: m.detail })),
      }));
      const total = (name) => round(measures.filter((m) => m.name === name).reduce((sum, m) => sum + m.duration, 0));
      const longest = (name) => round(Math.max(0, ...measures.filter((m) => m.name === name).map((m) => m.duration)));
      const longestTask = round(Math.max(0, ...longTasks));
      const events = Number(await page.getByTestId("scrubber").getAttribute("max"));
      console.log(`    # 20,000 operations, ${events} events: ${wallMs} ms from Enter to the new run on screen`);
      console.log(`    # longest main-thread task during the run: ${longestTask} ms (${longTasks.length} over 50 ms; target none over 50 ms)`);
      const sizes = measures.find((m) => m.name === "idemlab:transfer")?.detail ?? {};
      console.log(`    # worker: engine ${total("idemlab:worker-engine")} ms, encode ${total("idemlab:worker-encode")} ms; ` +
        `transfer ${total("idemlab:transfer")} ms of ${sizes.trace_bytes} bytes of trace and ${sizes.rest_bytes} of the rest`);
      console.log(`    # page: memory ${total("idemlab:allocate")} ms, decode ${total("idemlab:decode")} ms ` +
        `(longest slice ${longest("idemlab:decode")}; the rest ${total("idemlab:decode-rest")} ms), ` +
        `replay ${total("idemlab:replay")} ms, diagram model ${total("idemlab:timeline")} ms ` +
        `(longest slice ${longest("idemlab:timeline")}), summary ${total("idemlab:summary")} ms`);
      assert(total("idemlab:worker-engine") > 0, "the run was made in the worker");
      // The machine is shared with builds: fail only well above the 50 ms target.
      assert(longestTask < 200, `a main-thread task took ${longestTask} ms during the run`);

      const expected = await hashFile("crash-after-commit-20000-seed-1.hash");
      assert(await traceHash(page) === expected, `trace hash ${await traceHash(page)}, natively ${expected}`);
      assert(await page.getByTestId("knob-operations").inputValue() === "20000", "the field still shows 20000");
    },
  },
  {
    name: "worker: Cancel keeps the run on screen and its settings; the next run works",
    async run({ page, open }) {
      await openCrashAfterCommit(page, open);
      const before = await traceHash(page);
      const url = page.url();
      const operations = await page.getByTestId("knob-operations").inputValue();
      await setOperations(page, 20000);
      await page.getByTestId("cancel-run").click();
      await page.getByText("Run cancelled").waitFor();
      assert(await page.locator("[data-testid=cancel-run]").count() === 0, "the status goes with the run");
      assert(await page.getByTestId("knob-operations").inputValue() === operations,
        "the field is back to the run on screen's value");
      await page.waitForTimeout(1500); // Had the run gone on, it would have landed by now.
      assert(await traceHash(page) === before, "the cancelled run never lands");
      assert(page.url() === url, `the address bar has the run on screen again: ${page.url()}`);

      // A fresh worker takes the next run.
      await setOperations(page, 20000);
      await waitForEvents(page, 400_000);
      assert(await traceHash(page) === await hashFile("crash-after-commit-20000-seed-1.hash"), "the run after a cancel");
    },
  },
  {
    name: "worker: of quick changes, only the latest run lands",
    async run({ page, open }) {
      await observe(page);
      await openCrashAfterCommit(page, open);
      await setOperations(page, 20000);
      // A second change while the first runs: a new seed.
      await page.getByTestId("cancel-run").waitFor();
      await page.getByTestId("seed").fill("7");
      await page.getByTestId("seed").press("Enter");
      await settled(page);
      const hashes = await page.evaluate(() => window.__hashes);
      const seed1 = await hashFile("crash-after-commit-20000-seed-1.hash");
      const seed7 = await hashFile("crash-after-commit-20000-seed-7.hash");
      assert(hashes.at(-1) === seed7, `the run of the latest settings lands: ${hashes.join(" → ")}, natively ${seed7}`);
      assert(!hashes.includes(seed1), `the superseded run never shows: ${hashes.join(" → ")}`);
      assert(await page.getByTestId("seed").inputValue() === "7", "the seed field shows 7");
    },
  },
];
