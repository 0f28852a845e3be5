// The stream workload end to end (issue 13): a job that crashes after writing makes a
// read_uncommitted reader receive invoices twice (the aborted and the rewritten one), and the
// protected twin (transactions, offsets in the transaction, read_committed) receives each once;
// a Flink job down longer than its transaction timeout loses invoices, its twin none. The lanes
// are the job's, the timeline marks pre-commit, commit and abort, the tables list the output
// topic's transactions and the checkpoints; screenshots at 1280×720 and 390×844.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const SCREENSHOTS = fileURLToPath(new URL("../../../target/e2e/", import.meta.url));

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function viewShot(page, name) {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

async function anomalyCount(page, kind) {
  const counter = page.getByTestId(`anomaly-${kind}`);
  await counter.waitFor();
  return Number(await counter.getAttribute("data-count"));
}

async function expectCount(page, kind, predicate, description) {
  for (let i = 0; i < 60; i += 1) {
    const count = await anomalyCount(page, kind);
    if (predicate(count)) return count;
    await page.waitForTimeout(50);
  }
  throw new Error(`expected ${kind} ${description}, got ${await anomalyCount(page, kind)}`);
}

async function settle(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.waitForTimeout(50);
}

async function openPreset(page, open, preset, [width, height] = [1280, 720]) {
  await page.setViewportSize({ width, height });
  await open();
  await page.getByTestId("diagram").waitFor();
  // The panel lists every explanation, wherever the cursor is (app.mjs tests the default).
  await page.getByTestId("show-all-anomalies").check();
  await choose(page, preset);
}

async function choose(page, preset) {
  await page.getByTestId("preset").selectOption(preset);
  await page.waitForFunction((name) => document.querySelector("[data-testid=preset]")?.value === name, preset);
  // A stream run draws marks only (its calls are not messages).
  await page.locator("[data-testid=diagram] .mark").first().waitFor({ state: "attached" });
  await settle(page);
}

async function laneLabels(page) {
  return page.locator("[data-testid=diagram] .lane-label").allTextContents();
}

async function legend(page) {
  return (await page.getByTestId("legend").textContent()) ?? "";
}

/** The rows of the table whose caption starts with `title`, as arrays of cell texts. */
async function tableRows(page, title) {
  return page.locator(".state-tables table").evaluateAll(
    (tables, wanted) =>
      tables
        .filter((t) => t.caption?.firstChild?.textContent?.trim().startsWith(wanted))
        .flatMap((t) => [...t.tBodies[0].rows].map((r) => [...r.cells].map((c) => c.textContent.trim()))),
    title,
  );
}

async function expectNoSidewaysScroll(page, where) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert(scrollWidth <= innerWidth, `${where}: the page scrolls sideways (${scrollWidth} px wide in ${innerWidth})`);
}

export const tests = [
  {
    name: "stream: a read_uncommitted reader receives aborted invoices; the protected twin receives each once",
    async run({ page, open, expectNoAxeViolations }) {
      await openPreset(page, open, "stream-read-uncommitted");
      await expectCount(page, "duplicate_output", (n) => n > 0, "to be non-zero");
      const counters = await page.locator(".counters .counter").count();
      assert(counters === 3, `the stream workload has three anomaly counters, found ${counters}`);
      assert((await page.getByTestId("anomaly-double_charge").count()) === 0, "no HTTP counters for the stream workload");

      // Lanes in the order records flow: input, the job's instances, coordinator, output, reader.
      const lanes = await laneLabels(page);
      assert(lanes[0] === "input topic", `first lane: ${lanes.join(", ")}`);
      assert(lanes[1] === "job instance 1" && lanes.includes("job instance 2"), `job lanes: ${lanes.join(", ")}`);
      assert(JSON.stringify(lanes.slice(-3)) === JSON.stringify(["coordinator", "output topic", "downstream reader"]), `last lanes: ${lanes.join(", ")}`);
      assert(!lanes.includes("database") && !lanes.some((l) => l.startsWith("client")), `no HTTP lanes: ${lanes.join(", ")}`);

      // Commit and abort markers are on the timeline, and the legend says so.
      const words = await legend(page);
      for (const entry of ["commit marker", "abort marker", "transaction begun", "crash", "reader received an invoice"]) {
        assert(words.includes(entry), `the legend lists "${entry}": ${words}`);
      }
      assert((await page.locator("[data-testid=diagram] .mark.mark-txn-abort").count()) > 0, "abort markers are drawn");

      // The explanation names the aborted transaction; clicking it highlights the chain.
      const explanation = page.locator(".explanation", { hasText: "Duplicate output" }).first();
      const sentence = (await explanation.locator(".narrative").textContent()).trim();
      assert(/reached the downstream reader \(read_uncommitted\) (twice|three times)/.test(sentence) && /aborted at/.test(sentence), `explanation: ${sentence}`);
      await explanation.click();
      await page.locator("[data-testid=diagram] .chain").first().waitFor({ state: "attached" });
      await settle(page);
      await viewShot(page, "stream-read-uncommitted-chain-1280x720");

      // The output topic's transactions at the cursor: an aborted one among them.
      await page.keyboard.press("End");
      await settle(page);
      const txns = await tableRows(page, "Output topic transactions");
      assert(txns.some((r) => r[3] === "aborted") && txns.some((r) => r[3] === "committed"), `transactions: ${JSON.stringify(txns)}`);
      const totals = await page.locator(".costs-panel").textContent();
      assert(/invoices written/.test(totals) && /invoices received by the reader/.test(totals), `totals: ${totals}`);
      await viewShot(page, "stream-read-uncommitted-1280x720");
      await expectNoAxeViolations("stream, read_uncommitted");

      // The twin: transactions, offsets in them, a read_committed reader — each invoice once.
      await choose(page, "stream-read-uncommitted-protected");
      await expectCount(page, "duplicate_output", (n) => n === 0, "to be zero");
      for (const kind of ["lost_output", "zombie_write"]) {
        assert((await anomalyCount(page, kind)) === 0, `the twin shows no ${kind}`);
      }
      await viewShot(page, "stream-read-uncommitted-protected-1280x720");
    },
  },
  {
    name: "stream: a Flink job down longer than its transaction timeout loses pre-committed invoices; the twin's timeout keeps them",
    async run({ page, open }) {
      await openPreset(page, open, "flink-downtime-timeout");
      await expectCount(page, "lost_output", (n) => n > 0, "to be non-zero");
      const words = await legend(page);
      for (const entry of ["pre-commit", "commit marker", "abort marker", "checkpoint barrier", "checkpoint completed", "checkpoint restored"]) {
        assert(words.includes(entry), `the legend lists "${entry}": ${words}`);
      }
      assert((await page.locator("[data-testid=diagram] .mark.mark-pre-commit").count()) > 0, "pre-commits are drawn");
      const lost = page.locator(".explanation", { hasText: "Lost output" }).first();
      const sentence = (await lost.locator(".narrative").textContent()).trim();
      assert(/pre-committed at checkpoint \d+/.test(sentence) && /after its transaction timeout of 30 s/.test(sentence), `explanation: ${sentence}`);
      await lost.click();
      await page.locator("[data-testid=diagram] .chain").first().waitFor({ state: "attached" });
      await settle(page);
      await viewShot(page, "stream-flink-lost-output-chain-1280x720");
      await page.keyboard.press("End");
      await settle(page);
      const checkpoints = await tableRows(page, "Checkpoints");
      assert(checkpoints.some((r) => r[2] === "completed"), `checkpoints: ${JSON.stringify(checkpoints)}`);
      const txns = await tableRows(page, "Output topic transactions");
      assert(txns.some((r) => r[3] === "aborted"), `transactions: ${JSON.stringify(txns)}`);
      await viewShot(page, "stream-flink-downtime-timeout-1280x720");

      await choose(page, "flink-downtime-timeout-protected");
      await expectCount(page, "lost_output", (n) => n === 0, "to be zero");
      assert((await anomalyCount(page, "duplicate_output")) === 0, "the twin shows no duplicate");
    },
  },
  {
    name: "stream: a zombie with a random transactional.id on a phone",
    async run({ page, open }) {
      await openPreset(page, open, "stream-zombie-random-id", [390, 844]);
      await expectCount(page, "zombie_write", (n) => n > 0, "to be non-zero");
      await expectNoSidewaysScroll(page, "stream at 390×844");
      await viewShot(page, "stream-zombie-random-id-390x844");
      await choose(page, "stream-zombie-random-id-protected");
      await expectCount(page, "zombie_write", (n) => n === 0, "to be zero");
    },
  },
  {
    name: "stream: the exported diagram draws every event as a mark, with the stream legend",
    async run({ page, open }) {
      await openPreset(page, open, "flink-downtime-timeout");
      const download = async (trigger) => {
        const [file] = await Promise.all([page.waitForEvent("download"), trigger()]);
        return readFile(await file.path(), "utf8");
      };
      const trace = JSON.parse(await download(() => page.getByRole("button", { name: "Export trace" }).click()));
      await page.getByRole("button", { name: "Export diagram…" }).click();
      const dialog = page.getByRole("dialog", { name: "Export diagram" });
      await dialog.waitFor();
      const svg = await download(() => dialog.getByRole("button", { name: "Export", exact: true }).click());
      const found = await page.evaluate((source) => {
        const doc = new DOMParser().parseFromString(source, "image/svg+xml");
        const used = [...doc.querySelectorAll(".marks use, .legend use")].map((u) => u.getAttribute("href").slice(1));
        return {
          broken: doc.querySelector("parsererror") !== null,
          legend: [...doc.querySelectorAll(".legend text")].map((t) => t.textContent),
          marks: doc.querySelectorAll(".marks use").length,
          arrows: doc.querySelectorAll(".arrows > g").length,
          lanes: [...doc.querySelectorAll(".lane-label text")].map((t) => t.textContent),
          undefinedShapes: [...new Set(used)].filter((id) => !doc.getElementById(id)),
        };
      }, svg.replace(/<style>[^<]*<\/style>/, ""));
      assert(!found.broken, "the SVG parses");
      assert(found.marks === trace.events.length && found.arrows === 0, `one mark per event: ${found.marks} of ${trace.events.length}, ${found.arrows} arrows`);
      assert(found.undefinedShapes.length === 0, `every mark's shape is defined: ${found.undefinedShapes}`);
      assert(found.lanes[0] === "input topic" && found.lanes.at(-1) === "downstream reader", `lanes: ${found.lanes}`);
      for (const label of ["pre-commit", "commit marker", "abort marker", "checkpoint barrier", "checkpoint completed", "checkpoint restored", "crash", "reader received an invoice"]) {
        assert(found.legend.includes(label), `the exported legend has "${label}": ${found.legend.join(", ")}`);
      }
      for (const label of ["operation start", "database write", "publish"]) {
        assert(!found.legend.includes(label), `the exported legend of a stream run has no "${label}"`);
      }
    },
  },
];
