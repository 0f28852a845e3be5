// Browser performance: time to the first rendered diagram, and the cost of one scrubber step
// on a run of more than 20,000 events. Numbers go to stdout and to target/e2e/perf.json.
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const PERF_FILE = fileURLToPath(new URL("../../../target/e2e/perf.json", import.meta.url));
const results = {};

async function record(key, value) {
  results[key] = value;
  await writeFile(PERF_FILE, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`    # ${key}: ${JSON.stringify(value)}`);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (x) => Math.round(x * 100) / 100;

export const tests = [
  {
    name: "performance: navigation to the first rendered diagram",
    async run({ page, baseUrl }) {
      // Injected through the DevTools protocol, so the page's CSP does not apply.
      await page.addInitScript(() => {
        const observer = new MutationObserver(() => {
          if (document.querySelector("[data-testid=diagram] .arrow")) {
            window.__firstDiagramMs = performance.now();
            observer.disconnect();
          }
        });
        observer.observe(document, { childList: true, subtree: true });
      });
      await page.goto(baseUrl);
      await page.waitForFunction(() => window.__firstDiagramMs !== undefined);
      const ms = await page.evaluate(() => window.__firstDiagramMs);
      await record("first_diagram_ms", round(ms));
    },
  },
  {
    name: "performance: scrubbing a run of more than 20,000 events",
    async run({ page, open }) {
      await open();
      await page.getByTestId("preset").selectOption("crash-after-commit");
      const operations = page.getByTestId("knob-operations");
      await operations.fill("1000");
      await operations.press("Enter");
      await page.waitForFunction(() => Number(document.querySelector("[data-testid=scrubber]").max) > 20000);
      const events = Number(await page.getByTestId("scrubber").getAttribute("max"));
      const steps = await page.evaluate(async () => {
        const scrubber = document.querySelector("[data-testid=scrubber]");
        const diagram = () => document.querySelector("[data-testid=diagram]");
        const max = Number(scrubber.max);
        const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));
        const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
        const work = [];
        const frames = [];
        // Visit 100 positions spread over the run, in a shuffled but fixed order, so both
        // forward and backward jumps are measured.
        const positions = Array.from({ length: 100 }, (_, i) => Math.round((max * ((i * 37) % 100)) / 99));
        for (const position of positions) {
          await nextFrame();
          const started = performance.now();
          scrubber.value = String(position);
          scrubber.dispatchEvent(new Event("input", { bubbles: true }));
          await nextTask(); // Yew renders in a microtask after the event.
          diagram().getBoundingClientRect(); // Style and layout of the new DOM.
          work.push(performance.now() - started);
          await nextFrame();
          frames.push(performance.now() - started);
        }
        return { work, frames, arrows: diagram().querySelectorAll(".arrow").length };
      });
      await record("scrub_run_events", events);
      await record("scrub_step_ms_median", round(median(steps.work)));
      await record("scrub_step_ms_p95", round(percentile(steps.work, 95)));
      await record("scrub_to_next_frame_ms_median", round(median(steps.frames)));
      await record("scrub_arrows_in_window", steps.arrows);
      // The target is one frame (16 ms) at the median. The machine is shared with builds, so
      // the test fails only beyond two frames and otherwise reports where it stands.
      const stepMedian = median(steps.work);
      if (stepMedian > 16) console.log(`    # warning: median scrub step ${round(stepMedian)} ms is over the 16 ms target`);
      if (stepMedian > 33) {
        throw new Error(`median scrub step ${stepMedian} ms is over two frames (33 ms)`);
      }
    },
  },
];
