// Human units and plain names: durations typed and shown as "24 h" / "5 s" (a bare number is
// milliseconds), exact values in tooltips, plain dropdown labels, the control panel's group
// order, and the readouts at the end of a run.

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function hashOf(page) {
  return page.getByTestId("trace-hash").textContent();
}

/** Types `text` into a duration field and commits it, as a user does with Enter. */
async function typeDuration(page, testId, text) {
  const field = page.getByTestId(testId);
  await field.fill(text);
  await field.press("Enter");
  return field;
}

/** Waits until the field shows `expected` (the app re-renders it from the state). */
async function expectValue(page, field, expected) {
  for (let i = 0; i < 50; i += 1) {
    if ((await field.inputValue()) === expected) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`expected the field to show "${expected}", it shows "${await field.inputValue()}"`);
}

export const tests = [
  {
    name: "units: the key TTL shows 24 h with the exact value in its tooltip",
    async run({ page, open, screenshot, expectNoAxeViolations }) {
      await open();
      const ttl = page.getByTestId("knob-protections-idempotency_key-ttl_us");
      assert((await ttl.inputValue()) === "24 h", `key TTL shows "${await ttl.inputValue()}"`);
      assert((await ttl.getAttribute("type")) === "text", "a duration is a text field");
      assert((await ttl.getAttribute("inputmode")) === "text", "a duration field has inputmode=text");
      const title = await ttl.getAttribute("title");
      assert(title === "86,400,000 ms (86,400,000,000 µs)", `tooltip: ${title}`);
      const label = await page.locator("label[for=knob-input-protections-idempotency_key-ttl_us]").textContent();
      assert(label === "Key TTL", `the label carries no unit now: "${label}"`);
      const help = await page.locator("#knob-input-protections-idempotency_key-ttl_us-help").textContent();
      assert(/bare number means milliseconds/.test(help), `help: ${help}`);

      const panel = await screenshot("units-page");
      await page.locator(".controls").screenshot({ path: panel.replace("units-page", "units-controls") });
      await expectNoAxeViolations();
    },
  },
  {
    name: "units: typing 5 s runs it; a bare 5 means 5 ms; 1.5s reads as 1.5 s",
    async run({ page, open }) {
      await open();
      const before = await hashOf(page);
      const timeout = await typeDuration(page, "knob-client-timeout_us", "5 s");
      await expectValue(page, timeout, "5 s");
      assert((await hashOf(page)) !== before, "a valid duration re-runs");
      assert((await timeout.getAttribute("title")) === "5,000 ms (5,000,000 µs)", "5 s exactly");
      assert((await page.locator(".knob-error").count()) === 0, "no error for 5 s");

      await typeDuration(page, "knob-client-timeout_us", "5");
      await expectValue(page, timeout, "5 ms");
      assert((await timeout.getAttribute("title")) === "5 ms (5,000 µs)", "5 means 5 ms");

      await typeDuration(page, "knob-client-timeout_us", "1.5s");
      await expectValue(page, timeout, "1.5 s");
      await typeDuration(page, "knob-client-timeout_us", "90 min");
      await page.locator(".knob-error").first().waitFor();
      const message = await page.locator(".knob-error").first().textContent();
      assert(/Timeout must be between 1 ms and 1 h; 1 h 30 min is too long/.test(message), message);
    },
  },
  {
    name: "units: a bad duration names the setting and its range, briefly",
    async run({ page, open, expectNoAxeViolations }) {
      await open();
      const hash = await hashOf(page);
      await typeDuration(page, "knob-client-timeout_us", "5 parsecs");
      const error = page.locator(".knob-error").first();
      await error.waitFor();
      const message = await error.textContent();
      assert(message.includes("Timeout must be a duration between 1 ms and 1 h"), message);
      assert(message.includes("parsecs"), message);
      assert((await hashOf(page)) === hash, "an invalid duration must not run");
      await expectNoAxeViolations();

      await typeDuration(page, "knob-client-timeout_us", "9".repeat(48_000));
      await page.waitForFunction(
        () => !document.querySelector(".knob-error")?.textContent.includes("parsecs"),
      );
      const long = await page.locator(".knob-error").first().textContent();
      assert(long.length < 200, `a 48,000-character input gets a ${long.length}-character message`);
    },
  },
  {
    name: "units: dropdowns say Round robin and DO NOTHING, values stay JSON; Store 5xx is explained",
    async run({ page, open }) {
      await open();
      const balancer = page.getByTestId("knob-balancer");
      const option = balancer.locator("option[value=round_robin]");
      assert((await option.textContent()).trim() === "Round robin", `option text: ${await option.textContent()}`);
      await balancer.selectOption("sticky");
      assert((await balancer.inputValue()) === "sticky", "the value stays the JSON value");
      const upsert = page.getByTestId("knob-protections-upsert_mode").locator("option[value=do_nothing]");
      assert((await upsert.textContent()).trim() === "DO NOTHING", "upsert mode in SQL words");
      const policy = page.getByTestId("knob-client-key_policy").locator("option[value=per-operation]");
      assert((await policy.textContent()).trim() === "Per operation", "key policy in plain words");

      const errors = page.getByTestId("protection-idempotency_key-store_errors");
      const id = await errors.getAttribute("id");
      const label = await page.locator(`label[for=${id}]`).textContent();
      assert(label === "Replay errors (5xx)", `label: ${label}`);
      const help = await page.locator(`#${id}-help`).textContent();
      assert(/retry with the same key runs the request again/.test(help), `help: ${help}`);
    },
  },
  {
    name: "units: the Run group (with the workload) comes before Protections",
    async run({ page, open }) {
      await open();
      const titles = await page.locator(".controls .knob-group > summary").allTextContents();
      const run = titles.indexOf("Run");
      const protections = titles.indexOf("Protections");
      assert(run === 0 && protections === 1, `group order: ${titles.join(", ")}`);
      const workload = page.locator(".knob-group").first().getByTestId("knob-workload");
      assert((await workload.count()) === 1, "the workload is in the first group");
    },
  },
  {
    name: "units: the end of the run says so, and the footer counts minutes",
    async run({ page, open, screenshot, expectNoAxeViolations }) {
      await open();
      // Two minutes between a client's operations: the run lasts several minutes.
      const think = await typeDuration(page, "knob-client-think_time_us", "2 min");
      await expectValue(page, think, "2 min");
      const simulated = page.getByTestId("simulated-time");
      const footer = (await simulated.textContent()).trim();
      assert(/^\d+ min( \d+\.\d s)? simulated$/.test(footer), `footer: "${footer}"`);
      assert(/^[\d,]+(\.\d+)? ms \([\d,]+ µs\)$/.test(await simulated.getAttribute("title")), "exact footer tooltip");

      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("End");
      const events = await page.getByTestId("scrubber").getAttribute("max");
      const position = page.locator("output.position");
      await page.waitForFunction(() => document.querySelector("output.position")?.textContent.startsWith("End of run"));
      const text = await position.textContent();
      const total = footer.replace(" simulated", "");
      assert(text === `End of run · ${total} · event ${events} of ${events}`, `readout: "${text}"`);

      await page.keyboard.press("Home");
      await page.waitForFunction(() => document.querySelector("output.position")?.textContent.startsWith("t="));
      const start = await position.textContent();
      assert(start === `t=0 s of ${total} · event 0 of ${events}`, `readout at the start: "${start}"`);
      await screenshot("units-end-of-run");
      await expectNoAxeViolations();
    },
  },
];
