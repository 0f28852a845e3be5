// The browser app end to end: presets, protections, permalinks, explanations, help, themes.

/** Reads the count of an anomaly counter (`data-count` of [data-testid=anomaly-<kind>]). */
async function anomalyCount(page, kind) {
  const counter = page.getByTestId(`anomaly-${kind}`);
  await counter.waitFor();
  return Number(await counter.getAttribute("data-count"));
}

async function expectCount(page, kind, predicate, description) {
  // Runs are synchronous, but give the page a moment to render after an input.
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

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export const tests = [
  {
    name: "lost-response double charges vanish when idempotency keys are turned on",
    async run({ page, open, screenshot, expectNoAxeViolations }) {
      await open();
      await waitForDiagram(page);
      await page.getByTestId("preset").selectOption("lost-response");
      const before = await expectCount(page, "double_charge", (n) => n > 0, "to be non-zero");
      await screenshot("default");
      await expectNoAxeViolations();

      // What a teacher does: tick "Idempotency keys". The app also gives the clients a key
      // per operation (their policy was "none") and says so.
      await page.getByTestId("protection-idempotency_key-enabled").check();
      await expectCount(page, "double_charge", (n) => n === 0, "to drop to zero");
      const policy = await page.getByTestId("knob-client-key_policy").inputValue();
      assert(policy === "per-operation", `key policy should become per-operation, got ${policy}`);
      console.log(`    # double charges: ${before} without keys, 0 with keys`);

      // The protected variant of the preset is clean too.
      await page.getByTestId("preset").selectOption("lost-response-protected");
      await expectCount(page, "double_charge", (n) => n === 0, "to be zero");
      await page.getByTestId("preset").selectOption("lost-response");
      await expectCount(page, "double_charge", (n) => n === before, `to be ${before} again`);
    },
  },
  {
    name: "a permalink reproduces the run with the same trace hash",
    async run({ page, open }) {
      await open();
      await page.getByTestId("preset").selectOption("crash-after-commit");
      await page.getByTestId("seed").fill("4242");
      await page.getByTestId("seed").press("Enter");
      await page.getByTestId("protection-upsert").check();
      await page.waitForFunction(() => location.hash.startsWith("#v1="));
      const hash = await page.getByTestId("trace-hash").textContent();
      const url = page.url();
      assert(url.includes("#v1="), `the URL should carry the configuration: ${url}`);

      const fresh = await page.context().newPage();
      await fresh.goto(url);
      await fresh.getByTestId("trace-hash").waitFor();
      const reproduced = await fresh.getByTestId("trace-hash").textContent();
      assert(reproduced === hash, `trace hash ${reproduced} differs from ${hash}`);
      assert((await fresh.getByTestId("seed").inputValue()) === "4242", "seed not restored");
      assert(await fresh.getByTestId("protection-upsert").isChecked(), "upsert not restored");
      assert(
        (await fresh.getByTestId("preset").inputValue()) === "crash-after-commit",
        "preset not restored",
      );

      await page.reload();
      await page.getByTestId("trace-hash").waitFor();
      const reloaded = await page.getByTestId("trace-hash").textContent();
      assert(reloaded === hash, `after reload, trace hash ${reloaded} differs from ${hash}`);
    },
  },
  {
    name: "a malformed link shows a message and falls back to the default scenario",
    async run({ page, open, screenshot, expectNoAxeViolations }) {
      await open("#v1=garbage");
      const notice = page.getByTestId("notice").first();
      await notice.waitFor();
      const text = await notice.textContent();
      assert(/could not be opened/.test(text), `unexpected message: ${text}`);
      assert((await page.getByTestId("preset").inputValue()) === "lost-response", "default preset not loaded");
      await waitForDiagram(page);
      await screenshot("malformed-link");
      await expectNoAxeViolations();
      await notice.getByRole("button", { name: "Dismiss this message" }).click();
      await page.getByTestId("notice").waitFor({ state: "detached" });

      // A tampered but decodable link (unknown preset) and a future version are refused too.
      const payload = Buffer.from(JSON.stringify({ p: "no-such-preset" })).toString("base64url");
      await open(`#v1=${payload}`);
      await page.getByTestId("notice").first().waitFor();
      await open("#v9=abc");
      await page.getByTestId("notice").first().waitFor();
    },
  },
  {
    name: "counts follow the time cursor; Show all gives the whole run",
    async run({ page, open, screenshot, expectNoAxeViolations }) {
      await open();
      await waitForDiagram(page);
      await page.getByTestId("preset").selectOption("lost-response");
      const total = await expectCount(page, "double_charge", (n) => n > 1, "to be above one");
      const counter = page.getByTestId("anomaly-double_charge");
      const shown = async () => Number(await counter.getAttribute("data-shown"));
      const summary = page.getByTestId("anomaly-summary");
      const scrubber = page.getByTestId("scrubber");

      // A run lands at its start: nothing has happened, and the panel does not call it clean.
      assert(Number(await scrubber.inputValue()) === 0, "the run lands at its start");
      assert((await shown()) === 0, `at the start the counter shows ${await shown()}`);
      assert((await counter.locator(".count").textContent()).trim() === "0", "the visible count is 0");
      assert(/^…?\s*No anomaly so far\.$/.test((await summary.textContent()).trim()), `summary: ${await summary.textContent()}`);
      assert(!/Clean run/.test(await summary.textContent()), "the start of a run with anomalies is not called clean");
      assert((await page.locator(".explanation").count()) === 0, "no explanation before its anomaly");

      // n moves the cursor to the first anomaly: it is counted and explained, and no other.
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("n");
      await page.locator(".explanation[aria-pressed=true]").waitFor();
      const cursor = Number(await scrubber.inputValue());
      const passed = await page.evaluate(() =>
        [...document.querySelectorAll("[data-testid^=anomaly-][data-shown]")].reduce((sum, c) => sum + Number(c.dataset.shown), 0));
      assert(passed >= 1 && passed < total, `after n: ${passed} counted of ${total}`);
      assert((await page.locator(".explanation").count()) === passed, "one explanation per anomaly counted");
      assert(/anomal(y|ies) so far: /.test(await summary.textContent()), `summary: ${await summary.textContent()}`);
      await screenshot("counts-so-far");

      // One event back, the selected anomaly is not counted yet but stays listed, marked.
      await page.keyboard.press("ArrowLeft");
      await page.waitForFunction((at) => Number(document.querySelector("[data-testid=scrubber]").value) === at - 1, cursor);
      const back = await page.evaluate(() =>
        [...document.querySelectorAll("[data-testid^=anomaly-][data-shown]")].reduce((sum, c) => sum + Number(c.dataset.shown), 0));
      assert(back === passed - 1, `one event back: ${back} counted, was ${passed}`);
      await page.locator(".explanation[aria-pressed=true]", { hasText: "ahead of the cursor" }).waitFor();

      // The end of the run: the whole run's totals and sentence.
      await page.keyboard.press("End");
      await page.waitForFunction((n) => document.querySelector("[data-testid=anomaly-double_charge]").dataset.shown === String(n), total);
      assert(/^!?\s*\d+ anomal(y|ies): /.test((await summary.textContent()).trim()), `summary at the end: ${await summary.textContent()}`);

      // Show all (or a): the totals wherever the cursor is; off again, back to following it.
      await page.keyboard.press("Home");
      await page.waitForFunction(() => document.querySelector("[data-testid=anomaly-double_charge]").dataset.shown === "0");
      await page.getByTestId("show-all-anomalies").check();
      await page.waitForFunction((n) => document.querySelector("[data-testid=anomaly-double_charge]").dataset.shown === String(n), total);
      assert((await page.locator(".explanation").count()) > 0, "Show all lists the explanations");
      await expectNoAxeViolations();
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("a");
      await page.waitForFunction(() => document.querySelector("[data-testid=anomaly-double_charge]").dataset.shown === "0");
      assert(!(await page.getByTestId("show-all-anomalies").isChecked()), "a turns Show all off");

      // A clean run says so only once the cursor has seen all of it.
      await page.getByTestId("preset").selectOption("lost-response-protected");
      await page.waitForFunction(() => document.querySelector("[data-testid=preset]").value === "lost-response-protected");
      assert(!/Clean run/.test(await summary.textContent()), "a clean run at its start says only 'so far'");
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("End");
      await page.waitForFunction(() => /Clean run: no anomalies\./.test(document.querySelector("[data-testid=anomaly-summary]").textContent));
    },
  },
  {
    name: "clicking an explanation highlights its causal chain",
    async run({ page, open, screenshot, expectNoAxeViolations }) {
      await open();
      await page.getByTestId("preset").selectOption("lost-response");
      // At the start nothing has happened yet; End passes every anomaly.
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("End");
      const first = page.locator(".explanation").first();
      await first.click();
      await page.locator("[data-testid=diagram] .chain").first().waitFor({ state: "attached" });
      const highlighted = await page.locator("[data-testid=diagram] .chain").count();
      assert(highlighted >= 2, `expected a highlighted chain, found ${highlighted} elements`);
      assert((await first.getAttribute("aria-pressed")) === "true", "explanation not marked selected");
      const cursor = Number(await page.getByTestId("scrubber").inputValue());
      assert(cursor > 0, "the cursor should move to the anomaly");
      await screenshot("chain");
      await expectNoAxeViolations();

      // n jumps to the next anomaly: another one is selected.
      const before = await page.locator(".explanation[aria-pressed=true] .narrative").textContent();
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("n");
      await page.waitForFunction(
        (previous) => document.querySelectorAll(".explanation[aria-pressed=true]").length === 1 &&
          document.querySelector(".explanation[aria-pressed=true] .narrative").textContent !== previous,
        before,
      );
    },
  },
  {
    name: "keyboard: ? opens the help overlay, Escape closes it, arrows step",
    async run({ page, open, screenshot, expectNoAxeViolations }) {
      await open();
      await waitForDiagram(page);
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      assert((await page.getByTestId("scrubber").inputValue()) === "2", "→ should step twice");
      await page.keyboard.press("ArrowLeft");
      assert((await page.getByTestId("scrubber").inputValue()) === "1", "← should step back");
      await page.keyboard.press("?");
      await page.getByTestId("help").waitFor();
      // The dialog covers the viewport, so a viewport screenshot shows it best.
      await page.screenshot({ path: (await screenshot("help")) });
      await expectNoAxeViolations();
      await page.keyboard.press("Escape");
      await page.getByTestId("help").waitFor({ state: "detached" });
    },
  },
  {
    name: "an invalid value shows an inline message and does not run",
    async run({ page, open, expectNoAxeViolations }) {
      await open();
      const hash = await page.getByTestId("trace-hash").textContent();
      const loss = page.getByTestId("knob-network-response_loss");
      await loss.fill("1.5");
      await loss.press("Enter");
      await page.locator(".knob-error").first().waitFor();
      assert((await page.getByTestId("trace-hash").textContent()) === hash, "an invalid value must not run");
      await expectNoAxeViolations();
      await loss.fill("0.1");
      await loss.press("Enter");
      await page.locator(".knob-error").waitFor({ state: "detached" });
      assert((await page.getByTestId("trace-hash").textContent()) !== hash, "a valid value re-runs");
    },
  },
  {
    name: "playback moves the cursor and stops on pause",
    async run({ page, open }) {
      await open();
      await waitForDiagram(page);
      await page.getByLabel("Speed").selectOption("100");
      await page.getByRole("button", { name: "▶ Play" }).click();
      await page.waitForFunction(() => Number(document.querySelector("[data-testid=scrubber]").value) > 20);
      await page.getByRole("button", { name: "❚❚ Pause" }).click();
      const paused = await page.getByTestId("scrubber").inputValue();
      await page.waitForTimeout(200);
      assert((await page.getByTestId("scrubber").inputValue()) === paused, "the cursor moved while paused");
    },
  },
  {
    name: "dark theme",
    async run({ page, open, screenshot, expectNoAxeViolations }) {
      await page.emulateMedia({ colorScheme: "dark" });
      await open();
      await page.getByTestId("preset").selectOption("crash-after-commit");
      await page.getByTestId("show-all-anomalies").check();
      await page.locator(".explanation").first().click();
      await page.locator("[data-testid=diagram] .chain").first().waitFor({ state: "attached" });
      await screenshot("dark");
      await expectNoAxeViolations();
    },
  },
  {
    name: "export configuration, trace and diagram; import a configuration",
    async run({ page, open }) {
      await open();
      await waitForDiagram(page);
      const download = async (button) => {
        const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: button }).click()]);
        const path = await file.path();
        const { readFile } = await import("node:fs/promises");
        return { name: file.suggestedFilename(), text: await readFile(path, "utf8") };
      };
      const config = await download("Export config");
      assert(config.name.endsWith(".json"), `config file name ${config.name}`);
      const scenario = JSON.parse(config.text);
      assert(scenario.network.response_loss === 0.3, "exported config is the lost-response scenario");
      const trace = await download("Export trace");
      assert(trace.name.endsWith("-trace.json"), `trace file name ${trace.name}`);
      const traced = JSON.parse(trace.text);
      assert(traced.format === "idempotency-lab-trace/2", `trace format ${traced.format}`);
      assert(traced.events.length === 450 && traced.trace_hash, "trace export has every event and the hash");
      assert(traced.scenario.network.response_loss === 0.3 && traced.summary?.trace_hash === traced.trace_hash,
        "trace export carries the scenario and the run's summary");
      assert(Array.isArray(traced.operations) && Array.isArray(traced.attempts), "trace export lists operations and attempts");
      // Self-describing events: id, time, kind, actors, and the named fields of the kind.
      assert(traced.events.every((e, i) => e.id === i && Number.isInteger(e.time_us) && typeof e.kind === "string" &&
        typeof e.actor === "string" && typeof e.peer === "string"), "every event has id, time_us, kind, actor and peer");
      const drop = traced.events.find((e) => e.kind === "drop");
      assert(drop && Number.isInteger(drop.msg) && drop.message === "response" && drop.reason === "loss" &&
        Number.isInteger(drop.op) && Number.isInteger(drop.attempt), `a lost response names its fields: ${JSON.stringify(drop)}`);
      const start = traced.events[0];
      assert(start.kind === "op_start" && start.op === 0 && !("attempt" in start) && Number.isInteger(start.amount),
        `the first event starts operation 0: ${JSON.stringify(start)}`);

      // Import the exported configuration with another seed: it runs, as a custom scenario.
      scenario.seed = 77;
      await page.locator("input[type=file]").setInputFiles({
        name: "seed77.json",
        mimeType: "application/json",
        buffer: Buffer.from(JSON.stringify(scenario)),
      });
      await page.waitForFunction(() => document.querySelector("[data-testid=seed]").value === "77");
      // A broken file is refused with a message.
      await page.locator("input[type=file]").setInputFiles({
        name: "broken.json",
        mimeType: "application/json",
        buffer: Buffer.from("{ not json"),
      });
      await page.getByText("Could not import broken.json").waitFor();
      assert((await page.getByTestId("seed").inputValue()) === "77", "a failed import changes nothing");
    },
  },
  {
    name: "Copy link puts the permalink on the clipboard, or offers it in a field",
    async run({ page, open }) {
      await open();
      await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
      await page.getByRole("button", { name: "Copy link" }).click();
      await page.getByText("Link copied").waitFor();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert(copied === page.url() && copied.includes("#v1="), `copied ${copied}, page at ${page.url()}`);

      await page.context().clearPermissions();
      await page.evaluate(() => {
        // A browser without clipboard access: writeText rejects.
        navigator.clipboard.writeText = () => Promise.reject(new DOMException("denied", "NotAllowedError"));
      });
      await page.getByRole("button", { name: "Copy link" }).click();
      const field = page.getByLabel("Copy this link:");
      await field.waitFor();
      assert((await field.inputValue()) === page.url(), "the fallback field holds the link");
    },
  },
];
