// Interview mode (issue 15, item 2): a question shows its setup and nothing of its answer —
// no preset, no description, no anomaly counts, no explanation, no diagram, also after the
// keyboard shortcuts — the candidate predicts and chooses protections, Reveal runs the question
// and scores the answer in a worker (the points add up, each kind's verdict matches the
// counters); the question's link opens it without the answer, the link with the reveal opens
// the same score, and a bad link says what it could not use. Screenshots before and after the
// reveal at 1280×720, and a messaging question on a phone in the dark theme.
import { fileURLToPath } from "node:url";

const SCREENSHOTS = fileURLToPath(new URL("../../../target/e2e/", import.meta.url));

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function viewShot(page, name) {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

/** The fragment of a link whose JSON is `link`, as the app writes it. */
function fragment(link) {
  return `#v1=${Buffer.from(JSON.stringify(link)).toString("base64url")}`;
}

/** The JSON of the link in the address bar. */
function linkOf(url) {
  const payload = new URL(url).hash.replace(/^#v1=/, "");
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
}

async function number(page, testId) {
  return Number((await page.getByTestId(testId).textContent()).trim());
}

/** Waits for the score (after "Scoring…") and returns its parts. */
async function readScore(page) {
  await page.getByTestId("interview-score").waitFor({ timeout: 90_000 });
  return {
    total: await number(page, "score-total"),
    prediction: await number(page, "score-prediction"),
    protections: await number(page, "score-protections"),
    cost: await number(page, "score-cost"),
    verdicts: await page.locator(".verdicts li").evaluateAll((items) =>
      items.map((li) => ({ verdict: li.dataset.verdict, text: li.textContent })),
    ),
  };
}

/** Nothing of the answer is on the page: no problem's name, counters, explanations or run. */
async function expectNothingRevealed(page) {
  for (const selector of [
    "[data-testid=diagram]",
    "[data-testid^=anomaly-]",
    ".explanations",
    ".anomaly-summary",
    "[data-testid=interview-score]",
    "[data-testid=interview-scoring]",
    "[data-testid=trace-hash]",
    "#preset-select",
  ]) {
    assert((await page.locator(selector).count()) === 0, `${selector} is on the page before the reveal`);
  }
  const text = await page.locator("body").innerText();
  assert(!/anomal(y|ies):|Clean run|Explanations|This was/.test(text), "a count or an explanation is on the page");
  return text;
}

export const tests = [
  {
    name: "interview: a question's setup, the answer, the reveal and its score; its links with and without the reveal",
    async run({ page, baseUrl, open, expectNoAxeViolations }) {
      await page.setViewportSize({ width: 1280, height: 720 });
      await open();
      await page.getByTestId("diagram").waitFor();
      await page.getByTestId("view-interview").click();
      await page.getByTestId("interview").waitFor();
      const title = (await page.getByTestId("question-title").textContent()).trim();
      assert(title === "Question 1", `the first question: ${title}`);
      const setup = await page.getByTestId("interview-setup").innerText();
      assert(/Workload/.test(setup) && /Operations/.test(setup), `the setup names the workload and its size: ${setup}`);
      assert(/\d+ ?(ms|s|min|h)\b/.test(setup), `timeouts are written with units: ${setup}`);

      // Keys that move through a run reveal nothing and do not leave the question.
      for (const key of [" ", "End", "n", "ArrowRight", "p", "+"]) await page.keyboard.press(key);
      await page.getByTestId("interview").waitFor();
      const before = await expectNothingRevealed(page);

      // The answer: the first kind offered, and the first protection.
      const kinds = await page.locator("[data-testid^=predict-]").evaluateAll((boxes) =>
        boxes.map((b) => b.dataset.testid.replace("predict-", "")),
      );
      assert(kinds.length >= 3, `kinds offered: ${kinds}`);
      const predicted = kinds[0];
      await page.getByTestId(`predict-${predicted}`).check();
      const protection = await page.locator("[data-testid^=protect-]").first().getAttribute("data-testid");
      await page.getByTestId(protection).check();
      await viewShot(page, "interview-before-1280");
      await expectNoAxeViolations();
      const asked = linkOf(page.url());
      assert(asked.v === "interview" && asked.i === 1 && !asked.r, `the address bar: ${JSON.stringify(asked)}`);
      assert(asked.p === undefined && asked.d === undefined, "the question's link names no preset or setting");

      await page.getByTestId("reveal").click();
      await page.getByTestId("interview-scoring").or(page.getByTestId("interview-score")).first().waitFor();
      const score = await readScore(page);
      assert(score.total === score.prediction + score.protections + score.cost,
        `the score adds up: ${JSON.stringify(score)}`);
      assert(score.prediction <= 50 && score.protections <= 30 && score.cost <= 20, JSON.stringify(score));
      // Each kind's verdict matches what the run shows.
      for (const kind of kinds) {
        const count = Number(await page.getByTestId(`anomaly-${kind}`).getAttribute("data-count"));
        const title = (await page.locator(`[data-testid=anomaly-${kind}] .counter-label`).textContent()).trim();
        const verdict = score.verdicts.find((v) => v.text.includes(`${title}:`))?.verdict;
        const expected = count > 0 ? (kind === predicted ? "right" : "missed") : kind === predicted ? "false-alarm" : undefined;
        assert(verdict === expected, `${kind} (${count}): verdict ${verdict}, expected ${expected}`);
      }
      const problem = await page.locator(".reveal-problem").textContent();
      const [, problemTitle, description] = problem.match(/This was “(.+)”\. (.+)/) ?? [];
      assert(problemTitle && description, `the reveal names the problem: ${problem}`);
      assert(!before.includes(problemTitle) && !before.includes(description), "the problem was not on the page before");
      assert((await page.getByTestId("score-cheapest").textContent()).includes("cheapest set that works:"), "the cheapest set is named");
      await page.getByTestId("diagram").waitFor();
      assert((await page.locator("[data-testid^=predict-]").count()) === 0, "the score replaces the answer's form");
      // The run plays from its start in view: the reveal scrolls to it on a 1280×720 screen.
      const diagramTop = await page.getByTestId("diagram").evaluate((d) => d.getBoundingClientRect().top);
      assert(diagramTop >= 0 && diagramTop < 720 - 200, `the diagram starts ${diagramTop} px down the 720 px view`);
      await viewShot(page, "interview-reveal-1280");

      const revealed = linkOf(page.url());
      assert(revealed.r === true && revealed.k?.[0] === predicted && revealed.x?.length === 1,
        `the address bar carries the reveal and the answer: ${JSON.stringify(revealed)}`);
      await page.keyboard.press("End");
      await page.waitForFunction(() => document.getElementById("play-button")?.textContent.includes("Play"));
      await page.getByTestId("interview-score").scrollIntoViewIfNeeded();
      await viewShot(page, "interview-after-1280");
      await page.screenshot({ path: `${SCREENSHOTS}interview-after-1280-full.png`, fullPage: true });
      await expectNoAxeViolations();

      // Copy question link: the question alone, whatever the address bar holds.
      await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
      await page.getByTestId("copy-question").click();
      const copied = linkOf(await page.evaluate(() => navigator.clipboard.readText()));
      assert(JSON.stringify(copied) === JSON.stringify({ i: 1, v: "interview" }), `copied ${JSON.stringify(copied)}`);
      // The toolbar's Copy link gives the question with its reveal, and says so.
      await page.getByRole("button", { name: "Copy link", exact: true }).click();
      const copiedNotice = page.getByTestId("notice").filter({ hasText: "Link copied: it" });
      await copiedNotice.waitFor();
      const said = await copiedNotice.textContent();
      assert(/opens interview question 1 with the answer revealed/.test(said) && !/exact run/.test(said), `the notice: ${said}`);
      const withReveal = linkOf(await page.evaluate(() => navigator.clipboard.readText()));
      assert(withReveal.r === true && withReveal.i === 1, `Copy link: ${JSON.stringify(withReveal)}`);

      // The question's link: the same setup, nothing of the answer.
      const asQuestion = await page.context().newPage();
      await asQuestion.goto(new URL(fragment({ v: "interview", i: 1 }), baseUrl).href);
      await asQuestion.getByTestId("interview").waitFor();
      assert((await asQuestion.getByTestId("interview-setup").innerText()) === setup, "the link shows the same setup");
      await expectNothingRevealed(asQuestion);
      // With the reveal (pasted into the open page's address bar): the same run and score.
      await asQuestion.goto(new URL(fragment(revealed), baseUrl).href);
      const shared = await readScore(asQuestion);
      assert(shared.total === score.total, `the shared reveal scores the same: ${shared.total} vs ${score.total}`);
      await asQuestion.getByTestId("diagram").waitFor();
      await asQuestion.waitForLoadState("load");
      await asQuestion.close();

      // A bad link says what it could not use and shows question 1 without its answer.
      const bad = await page.context().newPage();
      await bad.goto(new URL(fragment({ v: "interview", i: "seven", r: "yes", x: ["teleport"] }), baseUrl).href);
      await bad.getByTestId("interview").waitFor();
      const notice = await bad.getByTestId("notice").first().textContent();
      assert(/question number/.test(notice) && /reveal/.test(notice) && /teleport/.test(notice), `the notice: ${notice}`);
      assert((await bad.getByTestId("question-title").textContent()).trim() === "Question 1", "question 1 instead");
      await expectNothingRevealed(bad);
      await bad.waitForLoadState("load");
      await bad.close();

      // New question: the next number, not answered.
      await page.getByTestId("new-question").click();
      assert((await page.getByTestId("question-title").textContent()).trim() === "Question 2", "New question moves on");
      assert(linkOf(page.url()).i === 2, "the address bar follows");
    },
  },
  {
    name: "interview: a messaging question on a phone in the dark theme",
    async run({ page, open, expectNoAxeViolations }) {
      await page.emulateMedia({ colorScheme: "dark" });
      await page.setViewportSize({ width: 390, height: 844 });
      await open();
      await page.getByTestId("view-interview").click();
      // The number field opens any question: find one about the events workload.
      let n = 1;
      while (!(await page.getByTestId("interview-setup").innerText()).includes("Events (messaging)")) {
        n += 1;
        assert(n < 60, "no messaging question among the first 60");
        await page.getByTestId("question-number").fill(String(n));
        await page.getByTestId("question-number").press("Enter");
        await page.waitForFunction((n) => document.querySelector("[data-testid=question-title]")?.textContent === `Question ${n}`, n);
      }
      const kinds = await page.locator("[data-testid^=predict-]").count();
      assert(kinds === 3, `the events workload offers its three kinds: ${kinds}`);
      await expectNothingRevealed(page);
      await page.getByTestId("predict-duplicate_event_effect").check();
      await page.getByTestId("protect-dedup-store").check();
      await page.getByTestId("reveal").click();
      const score = await readScore(page);
      assert(score.total === score.prediction + score.protections + score.cost, JSON.stringify(score));
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      assert(scrollWidth <= innerWidth, `the page scrolls sideways (${scrollWidth} in ${innerWidth})`);
      await page.getByTestId("interview-score").scrollIntoViewIfNeeded();
      await viewShot(page, "interview-390-dark");
      await expectNoAxeViolations();
    },
  },
];
