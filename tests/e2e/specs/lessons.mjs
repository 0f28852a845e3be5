// Guided lessons (issue 15): open the list, start "The lost response and the double charge",
// step forward and back — each step runs its scenario and moves the cursor to the moment its
// text names — reach the last step (no anomaly, the summary), and find the lesson marked done
// after a reload (local storage); reset the progress; read the glossary. Screenshots of the
// first and last step at projector size, on a phone and in the dark theme.
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
