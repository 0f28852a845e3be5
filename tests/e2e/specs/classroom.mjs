// Issue "classroom-ready app": controls that always show the run on screen, shortcuts that
// agree with the help, notices that never move the diagram, imports and links that say what
// they did, and links that share a moment.
import { readFile } from "node:fs/promises";

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function waitForDiagram(page) {
  await page.getByTestId("diagram").waitFor();
  await page.locator("[data-testid=diagram] .arrow").first().waitFor({ state: "attached" });
}

const link = (json) => `#v1=${Buffer.from(JSON.stringify(json)).toString("base64url")}`;
const scrubber = async (page) => Number(await page.getByTestId("scrubber").inputValue());
const noticeTexts = async (page) => page.getByTestId("notice").allTextContents();

/** Waits until the address bar has followed the cursor (it does a moment after the cursor
 * rests), and returns the page URL. */
async function settledUrl(page) {
  let previous = page.url();
  for (let i = 0; i < 40; i += 1) {
    await page.waitForTimeout(400);
    if (page.url() === previous) return previous;
    previous = page.url();
  }
  return previous;
}

export const tests = [
  {
    name: "controls always show the run on screen: preset, link and Back after a hand-changed dropdown",
    async run({ page, open }) {
      await open(link({ p: "oversell" }));
      await waitForDiagram(page);
      const workload = page.getByTestId("knob-workload");
      const oversellWorkload = await workload.inputValue();
      // Another link in the same tab, then a dropdown changed by hand.
      await page.goto(new URL(link({ p: "lost-response" }), page.url()).href);
      await page.waitForFunction(() => document.querySelector("[data-testid=knob-workload]").value === "payment");
      await workload.selectOption("checkout");
      await page.locator(".lane-label", { hasText: /email/i }).first().waitFor({ state: "attached" });
      // Switching preset puts every control back to the preset's values.
      await page.getByTestId("preset").selectOption("crash-after-commit");
      await page.getByTestId("preset").selectOption("lost-response");
      assert((await workload.inputValue()) === "payment", `workload shows ${await workload.inputValue()} for lost-response`);
      await workload.selectOption("wallet");
      // The edit is in the address bar before Back (a loaded machine may take a while).
      await page.waitForFunction(() => document.querySelector("[data-testid=knob-workload]").value === "wallet");
      await settledUrl(page);
      // Back to the oversell link: the app asks first (a scenario is being edited), then opens it.
      await page.goBack();
      await page.getByRole("button", { name: "Open the link" }).click();
      await page.waitForFunction(() => document.querySelector("[data-testid=preset]").value === "oversell");
      assert((await workload.inputValue()) === oversellWorkload, `workload shows ${await workload.inputValue()}, oversell uses ${oversellWorkload}`);
      const description = await page.locator("#preset-description").textContent();
      const selected = await page.getByTestId("preset").inputValue();
      assert(selected === "oversell" && !/30% of responses lost/.test(description), `preset ${selected} over "${description}"`);
    },
  },
  {
    name: "keyboard: Space plays after clicking a checkbox, n and arrows work on dropdowns and the slider",
    async run({ page, open, expectNoAxeViolations }) {
      await open();
      await waitForDiagram(page);
      const hash = await page.getByTestId("trace-hash").textContent();
      const upsert = page.getByTestId("protection-upsert");
      const before = await upsert.isChecked();
      // A teacher clicks a checkbox label area and then presses Space: the run plays.
      await upsert.click();
      const afterClick = await page.getByTestId("trace-hash").textContent();
      await page.keyboard.press("Space");
      await page.getByRole("button", { name: "❚❚ Pause" }).waitFor();
      assert((await upsert.isChecked()) !== before, "the click toggled the checkbox once");
      assert((await page.getByTestId("trace-hash").textContent()) === afterClick, "Space must not toggle and re-run");
      assert(afterClick !== hash, "the click re-ran");
      await page.keyboard.press("Space");
      await page.getByRole("button", { name: "▶ Play" }).waitFor();

      // A dropdown with the focus: n jumps to an anomaly, arrows step, the choice is unchanged.
      // (Upsert alone removes lost-response's double charges; take a preset with anomalies.)
      await page.getByTestId("preset").selectOption("crash-after-commit");
      const speed = page.getByLabel("Speed");
      await speed.focus();
      const speedBefore = await speed.inputValue();
      await page.keyboard.press("Home");
      await page.keyboard.press("ArrowRight");
      assert((await scrubber(page)) === 1, `→ on a dropdown steps (cursor ${await scrubber(page)})`);
      await page.keyboard.press("n");
      await page.locator(".explanation[aria-pressed=true]").waitFor();
      assert((await speed.inputValue()) === speedBefore, "the dropdown keeps its choice");

      // The slider: one step per arrow, not two.
      await page.getByTestId("scrubber").focus();
      const at = await scrubber(page);
      await page.keyboard.press("ArrowRight");
      assert((await scrubber(page)) === at + 1, `→ on the slider steps once (${at} → ${await scrubber(page)})`);
      await expectNoAxeViolations();
    },
  },
  {
    name: "keyboard: the skip link reaches Play, a checkbox reached with Tab toggles with Space, Import opens with Enter",
    async run({ page, open }) {
      await open();
      await waitForDiagram(page);
      await page.keyboard.press("Tab");
      const first = await page.evaluate(() => document.activeElement.textContent);
      assert(first === "Skip to playback", `first Tab stop is "${first}"`);
      await page.keyboard.press("Enter");
      const focused = await page.evaluate(() => document.activeElement.id);
      assert(focused === "play-button", `the skip link focuses ${focused}`);
      assert(page.url().includes("#v1="), "the skip link leaves the permalink alone");

      // Tab into a checkbox: Space toggles it (the platform's behaviour for keyboard users).
      const upsert = page.getByTestId("protection-upsert");
      await upsert.focus();
      await page.keyboard.press("Shift+Tab");
      await page.keyboard.press("Tab");
      assert(await upsert.evaluate((e) => e === document.activeElement), "Tab reached the checkbox");
      const before = await upsert.isChecked();
      await page.keyboard.press("Space");
      await page.waitForFunction((was) => document.querySelector("[data-testid=protection-upsert]").checked !== was, before);
      assert((await page.getByRole("button", { name: "▶ Play" }).count()) === 1, "Space toggled, did not play");

      const importButton = page.getByRole("button", { name: "Import config" });
      await importButton.focus();
      // Playwright turns on file-chooser interception asynchronously when the waiter is set
      // up; a key press sent at once can beat it (a mouse click has its own delays).
      const chooser = page.waitForEvent("filechooser");
      await page.waitForTimeout(300);
      await page.keyboard.press("Enter");
      assert(await chooser, "Enter opens the file picker");
    },
  },
  {
    name: "notices coalesce, clear on a preset change and never move the diagram",
    async run({ page, open, screenshot }) {
      await open();
      await waitForDiagram(page);
      await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
      const top = async () => (await page.getByTestId("diagram").boundingBox()).y;
      const diagramTop = await top();
      for (let i = 0; i < 3; i += 1) await page.getByRole("button", { name: "Copy link" }).click();
      await page.getByText("Link copied").first().waitFor();
      await page.waitForTimeout(200);
      assert((await page.getByTestId("notice").count()) === 1, `${await page.getByTestId("notice").count()} notices for three copies`);
      assert(Math.abs((await top()) - diagramTop) < 1, `the diagram moved from ${diagramTop} to ${await top()}`);
      await screenshot("notice-over-page");
      await page.getByTestId("preset").selectOption("oversell");
      await page.getByTestId("notice").first().waitFor({ state: "detached" });
    },
  },
  {
    name: "import: the app's own trace export opens its run; a malformed file gets a plain sentence",
    async run({ page, open }) {
      await open();
      await page.getByTestId("preset").selectOption("crash-after-commit");
      await waitForDiagram(page);
      const hash = await page.getByTestId("trace-hash").textContent();
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export trace" }).click()]);
      const trace = await readFile(await download.path());
      await page.getByTestId("preset").selectOption("lost-response");
      await page.locator("input[type=file]").setInputFiles({ name: "run-trace.json", mimeType: "application/json", buffer: trace });
      await page.getByTestId("notice").filter({ hasText: "same trace" }).waitFor();
      assert((await page.getByTestId("trace-hash").textContent()) === hash, "the imported trace's run is on screen");

      for (const [text, words] of [["{ not json", "not valid JSON"], ['{"clients": 3', "cut off"], ["[]", "JSON object"],
        ['{"clients": 3, "clients": 63}', "given twice"], ['{"network": []}', "JSON object"], ['{"clients": "5"}', "clients must be a whole number"]]) {
        await page.locator("input[type=file]").setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from(text) });
        const notice = page.getByTestId("notice").filter({ hasText: "Could not import bad.json" }).last();
        await notice.waitFor();
        const said = await notice.textContent();
        assert(said.includes(words) && !/ident|invalid type|expected u32/.test(said), `for ${text}: ${said}`);
        assert((await page.getByTestId("trace-hash").textContent()) === hash, "a failed import changes nothing");
        await notice.getByRole("button", { name: "Dismiss this message" }).click();
      }
      const big = Buffer.alloc(262_145, " ");
      await page.locator("input[type=file]").setInputFiles({ name: "big.json", mimeType: "application/json", buffer: big });
      await page.getByText("262,145 bytes").waitFor();
    },
  },
  {
    name: "links share a moment: cursor and selected anomaly; a broken link stays in the address bar",
    async run({ page, open, screenshot, expectNoAxeViolations }) {
      await open();
      await page.getByTestId("preset").selectOption("crash-after-commit");
      await page.getByTestId("show-all-anomalies").check();
      await page.locator(".explanation").nth(1).click();
      const chosen = (await page.locator(".explanation[aria-pressed=true] .narrative").textContent()).trim();
      await page.locator("body").click({ position: { x: 5, y: 5 } });
      await page.keyboard.press("ArrowLeft");
      const cursor = await scrubber(page);
      const url = await settledUrl(page);
      const fresh = await page.context().newPage();
      await fresh.goto(url);
      await fresh.getByTestId("scrubber").waitFor();
      assert(Number(await fresh.getByTestId("scrubber").inputValue()) === cursor, "the cursor travels with the link");
      // The link leaves "Show all" off: the selected anomaly is listed although the
      // cursor stands one event before it completes.
      const pressed = (await fresh.locator(".explanation[aria-pressed=true] .narrative").textContent()).trim();
      assert(pressed === chosen, "the selected anomaly travels with the link");
      await fresh.close();

      // A truncated link pasted into the open page: the message, the run kept, and the link
      // left in the address bar to be fixed.
      const broken = "#v1=eyJwIjoibG9zdC1yZXNwb25z";
      await open(broken);
      await page.getByTestId("notice").first().waitFor();
      await page.waitForTimeout(500);
      assert(page.url().endsWith(broken), `the address bar holds ${page.url()}`);
      await screenshot("broken-link");
      await expectNoAxeViolations();
      await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
      await page.getByRole("button", { name: "Copy link" }).click();
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert(!copied.endsWith(broken) && copied.includes("#v1="), `Copy link copied ${copied}`);
      const other = await page.context().newPage();
      await other.goto(copied);
      await other.getByTestId("trace-hash").waitFor();
      assert((await other.getByTestId("trace-hash").textContent()) === (await page.getByTestId("trace-hash").textContent()),
        "the copied link reproduces the run on screen");
      assert((await other.getByTestId("notice").count()) === 0, "the copied link opens cleanly");
      await other.close();
    },
  },
  {
    name: "hostile links get a message naming the problem, never a silent default",
    async run({ page, open }) {
      for (const [fragment, words] of [
        ["#v1=W10", "not a configuration"],
        [link({ d: { clients: 3 }, x: 1 }), "does not know"],
        [link({ d: { clients: "5" } }), "clients must be a whole number"],
        [link({ d: { "network.response_loss": 7 } }), "between 0 and 1"],
        [`#v1=${"A".repeat(70_000)}`, "characters long"],
      ]) {
        // A fresh page load each time: a link arriving in an open page is the other test's case.
        await page.goto("about:blank");
        await open(fragment);
        const notice = page.getByTestId("notice").first();
        await notice.waitFor();
        const said = await notice.textContent();
        assert(said.includes(words) && said.length < 400 && !/invalid type|u32|f64/.test(said), `${fragment.slice(0, 40)}: ${said}`);
        // Leaving before the page has loaded would abort its favicon request.
        await page.waitForLoadState("load");
      }
      // A link with a setting twice is refused too (built by hand: JSON.stringify cannot).
      const twice = `#v1=${Buffer.from('{"d":{"clients":3,"clients":63}}').toString("base64url")}`;
      await page.goto("about:blank");
      await open(twice);
      await page.getByText("given twice").waitFor();
    },
  },
];
