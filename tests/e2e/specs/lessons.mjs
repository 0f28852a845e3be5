// Guided lessons (issue 15): open the list, start "The lost response and the double charge",
// step forward and back — each step runs its scenario and moves the cursor to the moment its
// text names — reach the last step (no anomaly, the summary), and find the lesson marked done
// after a reload (local storage); reset the progress; read the glossary, also from a control's
// help. Screenshots of the first and last step at projector size, on a phone and in the dark
// theme.
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

async function cursor(page) {
  return Number(await page.getByTestId("scrubber").inputValue());
}

async function stepTitle(page) {
  return (await page.getByTestId("lesson-step-title").textContent()).trim();
}

async function startLesson(page, id) {
  await page.getByTestId("lessons-button").click();
  await page.getByTestId("lessons").waitFor();
  await page.getByTestId(`lesson-${id}`).click();
  await page.getByTestId("lesson-card").waitFor();
}

export const tests = [
  {
    name: "lessons: the lost response lesson walks from the double charge to the key that removes it, forward and back",
    async run({ page, open, expectNoAxeViolations }) {
      await page.setViewportSize({ width: 1280, height: 720 });
      await open();
      await page.getByTestId("diagram").waitFor();
      await startLesson(page, "lost-response");
      const kicker = await page.locator(".lesson-kicker").textContent();
      assert(/Lesson 2 of \d+ · step 1 of 3/.test(kicker), `kicker: ${kicker}`);
      assert((await count(page, "double_charge")) > 0, "step 1 shows the double charge");
      // The counters follow the cursor, which stands on the anomaly: it is counted.
      const shown = Number(await page.getByTestId("anomaly-double_charge").getAttribute("data-shown"));
      assert(shown >= 1, `the double charge at the step's moment is counted (${shown})`);
      // The cursor is on the anomaly, whose chain is highlighted.
      await page.locator(".explanation.selected").waitFor();
      const first = await cursor(page);
      assert(first > 0, "the cursor moved to the anomaly");
      await page.getByTestId("lesson-card").scrollIntoViewIfNeeded();
      await viewShot(page, "lesson-first-step-1280");
      await expectNoAxeViolations();

      await page.getByTestId("lesson-next").click();
      await page.waitForFunction(() => document.querySelector("[data-testid=lesson-step-title]")?.textContent.includes("lost"));
      const second = await cursor(page);
      assert(second > 0 && second < first, `the lost response comes before the second charge: ${second} vs ${first}`);
      assert((await page.getByTestId("lesson-text").textContent()).includes("lost"), "step 2 talks about the loss");

      await page.getByTestId("lesson-back").click();
      await page.waitForFunction((title) => document.querySelector("[data-testid=lesson-step-title]")?.textContent.trim() !== title, "The response was lost");
      assert((await stepTitle(page)) === "Charged twice", `back to step 1: ${await stepTitle(page)}`);
      assert((await cursor(page)) === first, "step 1's cursor again");

      await page.getByTestId("lesson-next").click();
      await page.getByTestId("lesson-next").click();
      await page.getByTestId("lesson-summary").waitFor();
      assert((await count(page, "double_charge")) === 0, "the last step has no double charge");
      assert((await page.getByTestId("lesson-back").isEnabled()), "Back is offered on the last step");
      await page.getByTestId("lesson-card").scrollIntoViewIfNeeded();
      await viewShot(page, "lesson-last-step-1280");
      await expectNoAxeViolations();

      // Finished: marked done, also after a reload; the reset clears it.
      await page.reload();
      await page.getByTestId("diagram").waitFor();
      await page.getByTestId("lessons-button").click();
      await page.getByTestId("lessons").waitFor();
      await page.locator("[data-testid=lesson-lost-response] .badge").waitFor();
      await page.getByTestId("glossary").locator("summary").click();
      const glossary = await page.getByTestId("glossary").textContent();
      assert(glossary.includes("idempotency key") && glossary.includes("Source:"), "the glossary names its sources");
      await viewShot(page, "lessons-list-1280");
      await page.getByRole("button", { name: "Reset progress" }).click();
      assert((await page.locator("[data-testid=lesson-lost-response] .badge").count()) === 0, "progress reset");
      await page.keyboard.press("Escape");
      await page.getByTestId("lessons").waitFor({ state: "detached" });
    },
  },
  {
    name: "glossary: each control's help explains it and opens its glossary term, also on a phone",
    async run({ page, open, expectNoAxeViolations }) {
      await page.setViewportSize({ width: 390, height: 844 });
      await open();
      await page.getByTestId("diagram").waitFor();
      // Every control of the panel has its help button, and a search by a control's label
      // still finds the control alone.
      const knobs = await page.locator(".controls .knob:not(.seed)").count();
      const helps = await page.locator(".controls .knob:not(.seed) .knob-help").count();
      assert(knobs > 10 && helps === knobs, `${helps} help buttons for ${knobs} controls`);
      assert((await page.getByLabel("Idempotency keys").count()) === 1, "the label names the checkbox only");

      const button = page.getByTestId("help-protection-idempotency_key-enabled");
      await button.click();
      const dialog = page.getByTestId("control-help");
      await dialog.waitFor();
      assert((await dialog.locator("h2").textContent()).trim() === "Idempotency keys", "the dialog names the control");
      assert((await dialog.textContent()).includes("deduplicates requests by Idempotency-Key"), "the control's help sentence");
      const term = await page.getByTestId("control-help-term").textContent();
      assert(/Glossary: idempotency key/.test(term) && /Source: IETF draft/.test(term), `term: ${term}`);
      await dialog.locator("summary").click();
      assert((await dialog.locator(".term.marked dt").textContent()).trim() === "idempotency key", "the whole glossary marks the term");
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      assert(scrollWidth <= innerWidth, `the page scrolls sideways (${scrollWidth} in ${innerWidth})`);
      await viewShot(page, "control-help-390");
      await expectNoAxeViolations();
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      assert(await button.evaluate((b) => b === document.activeElement), "the focus goes back to the help button");

      // A control without a term of its own: its help, and the glossary one click away.
      await page.setViewportSize({ width: 1280, height: 720 });
      await page.getByTestId("help-knob-network-response_loss").click();
      await dialog.waitFor();
      assert((await page.getByTestId("control-help-term").count()) === 0, "no term claimed for the loss rate");
      assert((await dialog.locator("summary").textContent()).includes("All glossary terms"), "the glossary is reachable");
      await dialog.getByRole("button", { name: "Close" }).click();
      await dialog.waitFor({ state: "detached" });
    },
  },
  {
    name: "lessons: a messaging lesson on a phone and in the dark theme",
    async run({ page, open }) {
      await page.emulateMedia({ colorScheme: "dark" });
      await page.setViewportSize({ width: 390, height: 844 });
      await open();
      await page.getByTestId("diagram").waitFor();
      await startLesson(page, "dedup-store");
      assert((await count(page, "duplicate_event_effect")) > 0, "the event applied twice");
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      assert(scrollWidth <= innerWidth, `the page scrolls sideways (${scrollWidth} in ${innerWidth})`);
      await page.getByTestId("lesson-card").scrollIntoViewIfNeeded();
      await viewShot(page, "lesson-390-dark");
      await page.getByTestId("lesson-end").click();
      await page.getByTestId("lesson-card").waitFor({ state: "detached" });
    },
  },
];
