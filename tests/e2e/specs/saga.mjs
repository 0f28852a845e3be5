// The saga workload end to end (issue 13): a refund sent again after its reply was lost
// refunds the customer twice, the saga's state table shows the compensated steps and their
// attempts, and the protected twin (per-step keys, the atomic saga log) shows no anomaly;
// the lanes, totals and legend speak of the orchestrator and its services; a release that
// overtakes its reservation leaks stock, on a phone as on a projector.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const SCREENSHOTS = fileURLToPath(new URL("../../../target/e2e/", import.meta.url));

const SAGA_KINDS = [
  "double_charge",
  "double_refund",
  "refund_without_charge",
  "charge_never_compensated",
  "duplicate_shipment",
  "stock_leak",
];

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
  for (let i = 0; i < 50; i += 1) {
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

async function selectPreset(page, preset) {
  await page.getByTestId("preset").selectOption(preset);
  await page.waitForFunction((name) => document.querySelector("[data-testid=preset]")?.value === name, preset);
  await settle(page);
}

async function openPreset(page, open, preset, [width, height] = [1280, 720]) {
  await page.setViewportSize({ width, height });
  await open();
  await page.getByTestId("diagram").waitFor();
  // The panel lists every explanation, wherever the cursor is (app.mjs tests the default).
  await page.getByTestId("show-all-anomalies").check();
  await page.locator("[data-testid=diagram] .arrow").first().waitFor({ state: "attached" });
  await selectPreset(page, preset);
}

/** The rows of the saga table, as arrays of cell texts. */
async function sagaRows(page) {
  return page.locator("[data-testid=saga-row]").evaluateAll((rows) =>
    rows.map((r) => [...r.cells].map((c) => c.textContent.trim())),
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
    name: "saga: a refund sent again after a lost reply refunds twice; the saga table shows it; the protected twin shows nothing",
    async run({ page, open, expectNoAxeViolations }) {
      await openPreset(page, open, "saga-refund-retry");
      const refunds = await expectCount(page, "double_refund", (n) => n > 0, "to be non-zero");
      // Only the saga's anomalies are counted for it.
      const counters = await page.locator(".counters .counter").count();
      assert(counters === SAGA_KINDS.length, `the saga workload has six anomaly counters, found ${counters}`);
      assert((await page.getByTestId("anomaly-duplicate_event_effect").count()) === 0, "no events counters for a saga");
      assert((await page.getByTestId("anomaly-duplicate_order").count()) === 0, "no HTTP counters for a saga");

      // Lanes: the orchestrator and its three services, nothing of HTTP.
      const lanes = await page.locator("[data-testid=diagram] .lane-label").allTextContents();
      assert(
        JSON.stringify(lanes) === JSON.stringify(["orchestrator", "inventory", "payment provider", "shipping"]),
        `lanes: ${lanes.join(", ")}`,
      );

      // The explanation names the lost reply and the re-send; clicking it moves the cursor.
      const explanation = page.locator(".explanation", { hasText: "Double refund" }).first();
      const sentence = (await explanation.locator(".narrative").textContent()).trim();
      assert(/refunded twice/.test(sentence) && /was lost/.test(sentence) && /no per-step key/.test(sentence), `explanation: ${sentence}`);
      await explanation.click();
      await page.locator("[data-testid=diagram] .chain").first().waitFor({ state: "attached" });

      // The saga table at the end: shipping refused, charge and reservation compensated.
      await page.keyboard.press("End");
      await settle(page);
      const caption = (await page.locator(".state-tables caption").first().textContent()).trim();
      assert(caption.startsWith("Saga steps"), `the saga table is shown: ${caption}`);
      const rows = await sagaRows(page);
      assert(rows.length > 0, "the saga table has rows");
      const compensated = rows.find((r) => r[4] === "compensated" && /^failed/.test(r[3]));
      assert(compensated && /^compensated/.test(compensated[1]) && /^compensated/.test(compensated[2]) && /^failed/.test(compensated[3]),
        `a compensated saga: reserve and charge compensated, ship failed: ${JSON.stringify(rows)}`);
      assert(rows.some((r) => /undo ×([2-9]|\d\d)/.test(r[2])), `some refund needed more than one attempt: ${JSON.stringify(rows)}`);

      // Totals and legend in the saga's words.
      const totals = await page.locator(".costs-panel").textContent();
      assert(/Run totals/.test(totals) && /sagas compensated/.test(totals) && /charges \/ refunds/.test(totals), `totals: ${totals}`);
      assert(!/latency|409|client/.test(totals), `no HTTP costs for a saga: ${totals}`);
      const legend = await page.getByTestId("legend").textContent();
      for (const label of ["charge call", "refund call", "inventory call", "shipping call", "saga started", "stock reserved", "refund", "lost message"]) {
        assert(legend.includes(label), `legend has "${label}": ${legend}`);
      }
      assert(!legend.includes("2xx response") && !legend.includes("key check"), `no HTTP looks in a saga legend: ${legend}`);
      await viewShot(page, "saga-1280x720");
      await page.locator(".state-tables").screenshot({ path: `${SCREENSHOTS}saga-table-1280.png` });
      await expectNoAxeViolations();

      // The protected twin: the same faults, per-step keys and the atomic log, no anomaly.
      await selectPreset(page, "saga-refund-retry-protected");
      for (const kind of SAGA_KINDS) {
        await expectCount(page, kind, (n) => n === 0, "to be zero in the protected twin");
      }
      console.log(`    # double refunds: ${refunds} without per-step keys, 0 with them`);
      const legendAfter = await page.getByTestId("legend").textContent();
      assert(legendAfter.includes("answered from its key"), `the twin's services answer retries from their keys: ${legendAfter}`);
      await viewShot(page, "saga-protected-1280x720");
    },
  },
  {
    name: "saga: a release that overtakes its reservation leaks stock, readable on a 390×844 phone",
    async run({ page, open, expectNoAxeViolations }) {
      await openPreset(page, open, "saga-compensation-overtakes", [390, 844]);
      await expectCount(page, "stock_leak", (n) => n > 0, "to be non-zero");
      const explanation = page.locator(".explanation", { hasText: "Stock leak" }).first();
      const sentence = (await explanation.locator(".narrative").textContent()).trim();
      assert(/arrived before the reservation/.test(sentence) || /holds \d+ reservations/.test(sentence), `explanation: ${sentence}`);
      await explanation.click();
      await settle(page);
      await expectNoSidewaysScroll(page, "phone");
      await viewShot(page, "saga-390x844");
      await page.locator(".state-tables").scrollIntoViewIfNeeded();
      await viewShot(page, "saga-phone-table");
      await expectNoAxeViolations();
      await selectPreset(page, "saga-compensation-overtakes-protected");
      await expectCount(page, "stock_leak", (n) => n === 0, "to be zero with per-step keys");
    },
  },
  {
    name: "saga: the exported diagram draws every event with the saga's looks and legend",
    async run({ page, open }) {
      await openPreset(page, open, "saga-refund-retry");
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
      // Every saga event that is not a message is a mark, but the log's "sent" records.
      const arrowKinds = new Set(["send", "duplicate", "deliver", "late_response", "drop", "step"]);
      const marks = trace.events.filter((e) => !arrowKinds.has(e.kind) && !(e.event === "saga_log" && e.record === "sent")).length;
      assert(found.marks === marks, `one mark per event that is not a message or an attempt's log record: ${found.marks} vs ${marks}`);
      assert(found.undefinedShapes.length === 0, `every mark's shape is defined: ${found.undefinedShapes}`);
      assert(JSON.stringify(found.lanes) === JSON.stringify(["orchestrator", "inventory", "payment provider", "shipping"]), `lanes: ${found.lanes}`);
      for (const label of ["charge call", "refund call", "inventory call", "shipping call", "saga started", "saga compensated",
        "stock reserved", "refund", "lost message"]) {
        assert(found.legend.includes(label), `the exported legend has "${label}": ${found.legend.join(", ")}`);
      }
      for (const look of found.looks) {
        assert(["msg-charge", "msg-ship", "msg-stock", "msg-refund"].includes(look), `an arrow looks like ${look}`);
      }
      const view = await page.context().newPage();
      await view.setViewportSize({ width: 1600, height: 700 });
      await view.setContent(`<!doctype html><body style="margin:0">${svg.replace(/^<\?xml[^>]*>/, "")}</body>`);
      await view.screenshot({ path: `${SCREENSHOTS}saga-export.png` });
      await view.close();
    },
  },
];
