// The events workload end to end (issue 12): a consumer crash makes the group apply an event
// twice, the ledger shows the repeated row, and the dedup store makes the duplicate vanish;
// the lanes, tables, totals and legend speak of brokers and consumers, not of HTTP; the queue
// mode shows its queue; it reads at projector size, on a phone and in the dark theme.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const SCREENSHOTS = fileURLToPath(new URL("../../../target/e2e/", import.meta.url));

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Screenshot of what the viewport shows (the runner's `screenshot` takes the whole page). */
async function viewShot(page, name) {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

async function anomalyCount(page, kind) {
  const counter = page.getByTestId(`anomaly-${kind}`);
  await counter.waitFor();
  return Number(await counter.getAttribute("data-count"));
}

async function expectCount(page, kind, predicate, description) {
  for (let i = 0; i < 50; i += 1) {
    const count = await anomalyCount(page, kind);
    if (predicate(count)) return count;
    await page.waitForTimeout(50);
  }
  throw new Error(`expected ${kind} ${description}, got ${await anomalyCount(page, kind)}`);
}

async function waitForDiagram(page) {
  await page.getByTestId("diagram").waitFor();
  await page.locator("[data-testid=diagram] .arrow").first().waitFor({ state: "attached" });
}

/** Lets the diagram see its box's new size and re-render. */
async function settle(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.waitForTimeout(50);
}

async function openPreset(page, open, preset, [width, height] = [1280, 720]) {
  await page.setViewportSize({ width, height });
  await open();
  await waitForDiagram(page);
  // The panel lists every explanation, wherever the cursor is (app.mjs tests the default).
  await page.getByTestId("show-all-anomalies").check();
  await page.getByTestId("preset").selectOption(preset);
  await page.waitForFunction((name) => document.querySelector("[data-testid=preset]")?.value === name, preset);
  await settle(page);
}

async function laneLabels(page) {
  return page.locator("[data-testid=diagram] .lane-label").allTextContents();
}

/** The captions of the state tables, without their notes. */
async function tableTitles(page) {
  return page.locator(".state-tables caption").evaluateAll((captions) =>
    captions.map((c) => c.firstChild?.textContent?.trim() ?? ""),
  );
}

/** The rows of the table whose caption starts with `title`, as arrays of cell texts. */
async function tableRows(page, title) {
  return page.locator(".state-tables table").evaluateAll(
    (tables, wanted) =>
      tables
        .filter((t) => t.caption?.firstChild?.textContent?.trim().startsWith(wanted))
        .flatMap((t) => [...t.tBodies[0].rows].map((r) => ({ bad: r.classList.contains("row-bad"), cells: [...r.cells].map((c) => c.textContent.trim()) }))),
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

/** No table cell is cut off by its card (cards hide what overflows them). */
async function expectTablesFit(page, where) {
  const cut = await page.evaluate(() =>
    [...document.querySelectorAll(".state-tables .table-card")]
      .filter((card) => card.querySelector("table").getBoundingClientRect().width > card.getBoundingClientRect().width + 0.5)
      .map((card) => card.querySelector("caption").firstChild.textContent),
  );
  assert(cut.length === 0, `${where}: tables wider than their cards: ${cut.join(", ")}`);
}

export const tests = [
  {
    name: "messaging: a consumer crash applies an event twice; the ledger shows the repeated row; the dedup store removes it",
    async run({ page, open, expectNoAxeViolations }) {
      await openPreset(page, open, "consumer-crash-redelivery");
      const before = await expectCount(page, "duplicate_event_effect", (n) => n > 0, "to be non-zero");
      const shipped = await expectCount(page, "duplicate_shipment", (n) => n > 0, "to be non-zero");
      // Only the events workload's anomalies are counted for it.
      const counters = await page.locator(".counters .counter").count();
      assert(counters === 3, `the events workload has three anomaly counters, found ${counters}`);
      assert((await page.getByTestId("anomaly-double_charge").count()) === 0, "no HTTP counters for the events workload");

      // Lanes are the messaging actors, in the order events flow; no clients or replicas.
      const lanes = await laneLabels(page);
      assert(
        JSON.stringify(lanes) === JSON.stringify(["order service", "database", "broker", "consumer 1", "consumer 2", "warehouse"]),
        `lanes: ${lanes.join(", ")}`,
      );

      // The explanation moves the cursor to the repeat: the ledger shows it.
      const explanation = page.locator(".explanation", { hasText: "Duplicate event effect" }).first();
      const sentence = (await explanation.locator(".narrative").textContent()).trim();
      assert(/applied to the ledger twice/.test(sentence), `explanation: ${sentence}`);
      await explanation.click();
      await page.locator("[data-testid=diagram] .chain").first().waitFor({ state: "attached" });
      const order = sentence.match(/^(o-\d+)/)[1];
      const ledger = await tableRows(page, "Ledger");
      const repeated = ledger.filter((r) => r.bad && r.cells[0].startsWith(order) && r.cells[0].includes("repeated"));
      assert(repeated.length === 1, `the ledger shows ${order}'s repeated row: ${JSON.stringify(ledger)}`);
      const orders = await tableRows(page, "Orders");
      const row = orders.find((r) => r.cells[0] === order);
      assert(row?.bad && row.cells[2].includes("2"), `the orders table counts ${order}'s two ledger rows: ${JSON.stringify(row)}`);

      // HTTP tables mean nothing here; the log's partitions and the warehouse do.
      const titles = await tableTitles(page);
      for (const title of ["Log · partition 0", "Log · partition 1", "Ledger", "Warehouse shipments", "Orders"]) {
        assert(titles.includes(title), `table "${title}" is shown: ${titles.join(", ")}`);
      }
      for (const title of ["Provider charges", "Key store", "Emails sent", "Queue", "Dedup store"]) {
        assert(!titles.includes(title), `table "${title}" is not shown: ${titles.join(", ")}`);
      }
      const partition = (await page.locator(".state-tables caption", { hasText: "Log · partition 0" }).textContent()).trim();
      assert(/committed offset \d+/.test(partition), `the partition says its committed offset: ${partition}`);

      // Totals in the events workload's terms, no HTTP latencies.
      const totals = await page.locator(".costs-panel").textContent();
      assert(/Run totals/.test(totals) && /ledger rows/.test(totals) && /shipments/.test(totals) && /redeliveries/.test(totals),
        `totals: ${totals}`);
      assert(!/latency|409|client/.test(totals), `no HTTP costs for the events workload: ${totals}`);
      // The legend lists what the diagram draws, in messaging words.
      const legend = await page.getByTestId("legend").textContent();
      for (const label of ["publish", "record to a consumer", "offset commit", "warehouse call", "record appended",
        "offset committed", "rebalance", "partition assigned", "crash", "shipped"]) {
        assert(legend.includes(label), `legend has "${label}": ${legend}`);
      }
      for (const label of ["2xx response", "provider call", "key check", "charge"]) {
        assert(!legend.includes(label), `legend has no "${label}": ${legend}`);
      }
      await expectTablesFit(page, "1280×720");
      await viewShot(page, "messaging-1280x720");
      await page.locator(".state-tables").screenshot({ path: `${SCREENSHOTS}messaging-tables-1280.png` });
      await expectNoAxeViolations();

      // The idempotent consumer: the id is recorded with the ledger row, and the redelivery
      // is skipped at its dedup check, before it ships or writes again.
      await page.getByTestId("protection-dedup_store-enabled").check();
      await expectCount(page, "duplicate_event_effect", (n) => n === 0, "to drop to zero");
      await expectCount(page, "duplicate_shipment", (n) => n === 0, "to drop to zero too (the check comes before the warehouse call)");
      console.log(`    # duplicate event effects: ${before} without the dedup store, 0 with it; duplicate shipments ${shipped} → 0`);
      await page.keyboard.press("End");
      await page.locator(".state-tables caption", { hasText: "Dedup store" }).waitFor();
      const store = (await page.locator(".state-tables caption", { hasText: "Dedup store" }).textContent()).trim();
      assert(/window 7 days/.test(store) && /[1-9]\d* duplicates? skipped/.test(store), `the dedup store says its window and skips: ${store}`);
      const after = await tableRows(page, "Ledger");
      assert(after.every((r) => !r.bad), `no repeated ledger row with the dedup store: ${JSON.stringify(after)}`);
      const legendAfter = await page.getByTestId("legend").textContent();
      assert(legendAfter.includes("dedup check: skipped") && legendAfter.includes("id recorded"), `legend: ${legendAfter}`);
      await viewShot(page, "messaging-dedup-store");
    },
  },
  {
    name: "messaging: the visibility-timeout preset shows its queue, with receive counts and states",
    async run({ page, open, expectNoAxeViolations }) {
      await openPreset(page, open, "visibility-timeout");
      await expectCount(page, "duplicate_event_effect", (n) => n > 0, "to be non-zero");
      const lanes = await laneLabels(page);
      assert(lanes.includes("broker") && lanes.includes("consumer 1") && !lanes.includes("load balancer"), `lanes: ${lanes.join(", ")}`);
      // At the first duplicate, its message has been received again and is in flight.
      const explanation = page.locator(".explanation", { hasText: "Duplicate event effect" }).first();
      const sentence = (await explanation.locator(".narrative").textContent()).trim();
      assert(/visibility timeout/.test(sentence), `explanation: ${sentence}`);
      const order = sentence.match(/^(o-\d+)/)[1];
      await explanation.click();
      await page.locator("[data-testid=diagram] .chain").first().waitFor({ state: "attached" });
      const titles = await tableTitles(page);
      assert(titles.includes("Queue") && !titles.some((t) => t.startsWith("Log")), `tables: ${titles.join(", ")}`);
      const note = (await page.locator(".state-tables caption", { hasText: "Queue" }).textContent()).trim();
      assert(/messages: \d+ visible, \d+ in flight, \d+ deleted, \d+ dead-lettered/.test(note), `queue note: ${note}`);
      const queue = await tableRows(page, "Queue");
      assert(queue.length > 0 && queue.every((r) => /visible|in flight|deleted|dead-lettered/.test(r.cells[2])), `queue rows: ${JSON.stringify(queue)}`);
      const redelivered = queue.find((r) => r.cells[1].startsWith(order));
      assert(redelivered && Number(redelivered.cells[4]) >= 2, `${order}'s message was received at least twice: ${JSON.stringify(queue)}`);
      const legend = await page.getByTestId("legend").textContent();
      for (const label of ["message to a consumer", "delete", "message queued", "visibility timeout ran out", "message deleted"]) {
        assert(legend.includes(label), `legend has "${label}": ${legend}`);
      }
      assert(!legend.includes("offset commit") && !legend.includes("rebalance"), `no log marks in a queue run: ${legend}`);
      await expectTablesFit(page, "queue at 1280×720");
      await page.locator(".state-tables").screenshot({ path: `${SCREENSHOTS}messaging-queue-tables.png` });
      await viewShot(page, "messaging-queue-1280x720");
      await expectNoAxeViolations();
    },
  },
  {
    name: "messaging: readable at 1920×1080, on a 390×844 phone and in the dark theme",
    async run({ page, open, expectNoAxeViolations }) {
      await openPreset(page, open, "consumer-crash-redelivery", [1920, 1080]);
      await page.locator(".explanation").first().click();
      await settle(page);
      await expectNoSidewaysScroll(page, "1920×1080");
      await expectTablesFit(page, "1920×1080");
      await viewShot(page, "messaging-1920x1080");

      await page.setViewportSize({ width: 390, height: 844 });
      await settle(page);
      await expectNoSidewaysScroll(page, "phone");
      await expectTablesFit(page, "phone");
      await viewShot(page, "messaging-phone-390x844");
      await page.locator(".state-tables").scrollIntoViewIfNeeded();
      await viewShot(page, "messaging-phone-tables");

      await page.emulateMedia({ colorScheme: "dark" });
      await page.setViewportSize({ width: 1280, height: 720 });
      await settle(page);
      await viewShot(page, "messaging-dark-1280x720");
      await page.locator(".state-tables").screenshot({ path: `${SCREENSHOTS}messaging-dark-tables.png` });
      await page.getByTestId("legend").screenshot({ path: `${SCREENSHOTS}messaging-dark-legend.png` });
      await expectNoAxeViolations();
      await page.setViewportSize({ width: 390, height: 844 });
      await settle(page);
      await viewShot(page, "messaging-dark-phone");
      await expectNoSidewaysScroll(page, "dark phone");
    },
  },
  {
    name: "messaging: the exported diagram draws every event with the events workload's looks and legend",
    async run({ page, open }) {
      await openPreset(page, open, "consumer-crash-redelivery");
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
          lanes: [...doc.querySelectorAll(".lane-label text")].map((t) => t.textContent),
          undefinedShapes: [...new Set(used)].filter((id) => !doc.getElementById(id)),
          looks: [...new Set([...doc.querySelectorAll(".arrows > g")].map((g) => g.getAttribute("class").split(" ")[1]))],
        };
      }, svg.replace(/<style>[^<]*<\/style>/, ""));
      assert(!found.broken, "the SVG parses");
      const arrowKinds = new Set(["send", "duplicate", "deliver", "late_response", "drop", "step"]);
      const marks = trace.events.filter((e) => !arrowKinds.has(e.kind)).length;
      assert(found.marks === marks, `one mark per event that is not a message: ${found.marks} vs ${marks}`);
      assert(found.undefinedShapes.length === 0, `every mark's shape is defined: ${found.undefinedShapes}`);
      assert(JSON.stringify(found.lanes) === JSON.stringify(["order service", "database", "broker", "consumer 1", "consumer 2", "warehouse"]),
        `lanes: ${found.lanes}`);
      for (const label of ["publish", "record to a consumer", "offset commit", "warehouse call", "record appended",
        "offset committed", "rebalance", "partition assigned", "crash", "shipped", "order placed"]) {
        assert(found.legend.includes(label), `the exported legend has "${label}": ${found.legend.join(", ")}`);
      }
      for (const label of ["2xx response", "provider call", "key check", "arrived after the timeout", "delete", "visibility heartbeat"]) {
        assert(!found.legend.includes(label), `the exported legend of a log run has no "${label}"`);
      }
      for (const look of found.looks) {
        assert(["msg-publish", "msg-ack", "msg-record", "msg-commit", "msg-ship"].includes(look), `an arrow looks like ${look}`);
      }
      // A look at it, drawn by the browser.
      const view = await page.context().newPage();
      await view.setViewportSize({ width: 1600, height: 700 });
      await view.setContent(`<!doctype html><body style="margin:0">${svg.replace(/^<\?xml[^>]*>/, "")}</body>`);
      await view.screenshot({ path: `${SCREENSHOTS}messaging-export.png` });
      await view.close();
    },
  },
];
