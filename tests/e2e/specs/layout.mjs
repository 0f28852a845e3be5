// Layout end to end: projector sizes, browser zoom, phones, presentation mode, large numbers,
// notices. Browser zoom is emulated by the CSS viewport it produces: a 1280×720 screen at 150%
// zoom lays the page out in 853×480 CSS pixels, at 200% in 640×360 (zoom changes nothing else
// that layout depends on; the device pixel ratio only changes how sharp it is drawn).
import { fileURLToPath } from "node:url";

const SCREENSHOTS = fileURLToPath(new URL("../../../target/e2e/", import.meta.url));

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Screenshot of what the viewport shows (the runner's `screenshot` takes the whole page). */
async function viewShot(page, name) {
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

async function waitForDiagram(page) {
  await page.getByTestId("diagram").waitFor();
  await page.locator("[data-testid=diagram] .arrow").first().waitFor({ state: "attached" });
}

/** Lets the diagram see its box's new size and re-render (ResizeObserver, then a frame). */
async function settle(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.waitForTimeout(50);
}

async function openAt(page, open, width, height) {
  await page.setViewportSize({ width, height });
  await open();
  await waitForDiagram(page);
  await settle(page);
}

/** Bounding boxes (viewport coordinates) of the first element matching each selector. */
async function boxes(page, selectors) {
  return page.evaluate((list) => {
    const out = {};
    for (const [name, selector] of Object.entries(list)) {
      const element = document.querySelector(selector);
      const r = element?.getBoundingClientRect();
      out[name] = r && { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
    }
    return out;
  }, selectors);
}

const fmt = (box) => `${Math.round(box.left)},${Math.round(box.top)} ${Math.round(box.width)}×${Math.round(box.height)}`;

/** Scrolls the element into view and checks it is inside the viewport and on top at its centre. */
async function expectReachable(locator, what) {
  await locator.scrollIntoViewIfNeeded();
  const problem = await locator.evaluate((element) => {
    const r = element.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return "has no size";
    if (r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5) {
      return `is outside the viewport (${Math.round(r.left)},${Math.round(r.top)} to ${Math.round(r.right)},${Math.round(r.bottom)} in ${innerWidth}×${innerHeight})`;
    }
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!hit || !(hit === element || element.contains(hit))) {
      return `is covered by ${hit ? `${hit.tagName.toLowerCase()}.${hit.className}` : "nothing"}`;
    }
    return null;
  });
  assert(problem === null, `${what} ${problem}`);
}

async function expectNoSidewaysScroll(page, where) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert(scrollWidth <= innerWidth, `${where}: the page scrolls sideways (${scrollWidth} px wide in ${innerWidth})`);
}

/** The playback controls a lesson needs, by role and name. */
function playbackControls(page) {
  return [
    [page.locator("#play-button"), "Play"],
    [page.getByRole("button", { name: "◀ Step" }), "Step back"],
    [page.getByRole("button", { name: "Step ▶" }), "Step forward"],
    [page.getByRole("button", { name: "Next anomaly" }), "Next anomaly"],
    [page.locator("#speed-select"), "Speed"],
    [page.getByRole("button", { name: "Zoom out" }), "Zoom out"],
    [page.getByRole("button", { name: "Zoom in" }), "Zoom in"],
  ];
}

/** Font size in px of the first element matching `selector` inside the diagram. */
async function diagramFontPx(page, selector) {
  return page.evaluate((s) => parseFloat(getComputedStyle(document.querySelector(`[data-testid=diagram] ${s}`)).fontSize), selector);
}

/** Every lane label fits the label column (left of the lane lines). */
async function expectLaneLabelsFit(page, where) {
  const overflow = await page.evaluate(() => {
    const column = Number(document.querySelector("[data-testid=diagram] .lane-line").getAttribute("x1"));
    return [...document.querySelectorAll("[data-testid=diagram] .lane-label")]
      .filter((label) => label.getBBox().x + label.getBBox().width > column)
      .map((label) => label.textContent);
  });
  assert(overflow.length === 0, `${where}: lane labels run into the plot: ${overflow.join(", ")}`);
}

async function enterPresentation(page) {
  await page.getByTestId("present").click();
  await page.locator(".app.presenting").waitFor();
  await settle(page);
}

/** Presentation mode: configuration hidden, diagram filling the height, anomalies beside it. */
async function expectPresentationLayout(page, where) {
  assert(!(await page.locator("aside.controls").isVisible()), `${where}: the configuration is still shown`);
  await expectNoSidewaysScroll(page, where);
  const b = await boxes(page, { svg: "[data-testid=diagram]", panel: ".diagram-panel", side: ".side" });
  const height = await page.evaluate(() => innerHeight);
  assert(b.svg.height >= 0.65 * height && b.panel.height >= 0.75 * height,
    `${where}: the diagram (${fmt(b.svg)}, panel ${fmt(b.panel)}) should fill the height of ${height}`);
  assert(b.panel.bottom <= height + 0.5, `${where}: the diagram panel ends below the screen (${fmt(b.panel)})`);
  assert(b.side.left >= b.panel.right && b.side.top < b.svg.bottom,
    `${where}: the anomalies (${fmt(b.side)}) should be beside the diagram (${fmt(b.panel)})`);
}

export const tests = [
  {
    name: "layout: at 1280×720 and 1920×1080 the diagram fills the first screen, its text larger on the larger one",
    async run({ page, open }) {
      for (const [width, height] of [[1280, 720], [1920, 1080]]) {
        const where = `${width}×${height}`;
        await openAt(page, open, width, height);
        await viewShot(page, `layout-${width}x${height}`);
        const b = await boxes(page, { svg: "[data-testid=diagram]", panel: ".diagram-panel", box: ".diagram-scroll" });
        console.log(`    # ${where}: diagram ${fmt(b.svg)}, its panel ends at ${Math.round(b.panel.bottom)}`);
        assert(b.svg.height >= 0.55 * height, `${where}: the diagram is ${Math.round(b.svg.height)} px tall, under 55% of ${height}`);
        assert(b.svg.height >= b.box.height - 2, `${where}: the diagram (${fmt(b.svg)}) leaves its box (${fmt(b.box)}) half empty`);
        assert(b.panel.bottom <= height && b.panel.bottom >= height - 120,
          `${where}: the diagram and its details should end within the first screen, near its bottom (${Math.round(b.panel.bottom)} of ${height})`);
        await expectLaneLabelsFit(page, where);
        await expectNoSidewaysScroll(page, where);
      }
      const lane = await diagramFontPx(page, ".lane-label");
      const tick = await diagramFontPx(page, ".tick-label");
      console.log(`    # 1920×1080: lane labels ${lane} px, tick labels ${tick} px`);
      assert(lane > 13 && tick > 11, `at 1920×1080 the labels should grow: lanes ${lane} px, ticks ${tick} px`);
    },
  },
  {
    name: "layout: at 150% and 200% zoom nothing spills sideways and the anomalies follow the diagram",
    async run({ page, open }) {
      for (const [zoom, width, height] of [[150, 853, 480], [200, 640, 360]]) {
        const where = `${zoom}% zoom (${width}×${height} CSS px)`;
        await openAt(page, open, width, height);
        await viewShot(page, `layout-zoom-${zoom}`);
        await expectNoSidewaysScroll(page, where);
        for (const [control, name] of playbackControls(page)) await expectReachable(control, `${where}: ${name}`);
        const b = await boxes(page, { panel: ".diagram-panel", side: ".side", tables: ".state-tables" });
        assert(b.side.top < b.tables.top && b.side.top - b.panel.bottom < 260,
          `${where}: the anomalies (${fmt(b.side)}) should come right after the diagram (${fmt(b.panel)}), before the tables (${fmt(b.tables)})`);
        await expectLaneLabelsFit(page, where);
      }
    },
  },
  {
    name: "layout: a 390×844 phone gets one column, a sideways-scrolling diagram and reachable controls",
    async run({ page, open, screenshot, expectNoAxeViolations }) {
      await openAt(page, open, 390, 844);
      await viewShot(page, "layout-phone-390x844");
      await expectNoSidewaysScroll(page, "phone");
      const b = await boxes(page, {
        controls: "aside.controls",
        time: ".time-controls",
        diagram: ".diagram-panel",
        side: ".side",
      });
      for (const [name, box] of Object.entries(b)) {
        assert(box.width >= 0.9 * 390, `phone: ${name} is ${Math.round(box.width)} px wide, not one column`);
      }
      assert(b.controls.bottom <= b.time.top && b.time.bottom <= b.diagram.top && b.diagram.bottom <= b.side.top,
        `phone: panels should be stacked: ${Object.entries(b).map(([n, x]) => `${n} ${fmt(x)}`).join("; ")}`);

      const scrolled = await page.locator(".diagram-scroll").evaluate((box) => {
        box.scrollLeft = 120;
        return { scrollLeft: box.scrollLeft, scrollWidth: box.scrollWidth, clientWidth: box.clientWidth };
      });
      assert(scrolled.scrollWidth > scrolled.clientWidth && scrolled.scrollLeft > 0,
        `phone: the diagram box should scroll sideways: ${JSON.stringify(scrolled)}`);

      for (const [control, name] of playbackControls(page)) await expectReachable(control, `phone: ${name}`);
      const toolbar = page.locator(".toolbar button");
      for (let i = 0; i < (await toolbar.count()); i += 1) {
        const button = toolbar.nth(i);
        await expectReachable(button, `phone: toolbar button "${(await button.textContent()).trim()}"`);
      }
      await expectReachable(page.getByTestId("present"), "phone: Present");
      await screenshot("layout-phone-390x844-page");
      await expectNoAxeViolations();
    },
  },
  {
    name: "layout: counters, costs and footer fit five-digit numbers at every width",
    async run({ page, open }) {
      await openAt(page, open, 1280, 720);
      await page.getByTestId("show-all-anomalies").check();
      await page.getByTestId("preset").selectOption("key-reuse-no-fingerprint");
      await page.getByTestId("knob-operations").fill("20000");
      await page.getByTestId("knob-operations").press("Enter");
      await page.waitForFunction(() => Number(document.querySelector("[data-testid=anomaly-wrong_replay]")?.dataset.count) >= 10000,
        null, { timeout: 30_000 });
      for (const [width, height] of [[390, 844], [640, 360], [853, 480], [1280, 720], [1920, 1080]]) {
        await page.setViewportSize({ width, height });
        await settle(page);
        const problems = await page.evaluate(() => {
          const text = (element) => {
            const range = document.createRange();
            range.selectNodeContents(element);
            return range.getBoundingClientRect();
          };
          const inside = (a, b) => a.left >= b.left - 0.5 && a.right <= b.right + 0.5 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
          const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
          const found = [];
          const list = document.querySelector(".counters").getBoundingClientRect();
          for (const counter of document.querySelectorAll(".counter")) {
            const count = counter.querySelector(".count");
            const label = counter.querySelector(".counter-label");
            const tile = counter.getBoundingClientRect();
            const name = `${count.textContent} ${label.textContent}`;
            if (meet(text(count), text(label))) found.push(`"${name}": the count runs into its label`);
            if (label.scrollWidth > label.clientWidth) found.push(`"${name}": the label is cut`);
            if (!inside(text(count), tile) || !inside(text(label), tile)) found.push(`"${name}": text leaves its tile`);
            if (!inside(tile, list)) found.push(`"${name}": the tile leaves the panel`);
          }
          for (const fact of document.querySelectorAll("dl.costs .fact")) {
            const [dt, dd] = [fact.querySelector("dt"), fact.querySelector("dd")];
            const box = fact.getBoundingClientRect();
            if (meet(text(dt), text(dd)) || !inside(text(dd), box) || !inside(box, document.querySelector(".costs-panel").getBoundingClientRect())) {
              found.push(`cost "${dt.textContent}: ${dd.textContent}" does not fit`);
            }
          }
          const footer = document.querySelector(".app-footer");
          if (footer.scrollWidth > footer.clientWidth) found.push("the footer overflows");
          return found;
        });
        assert(problems.length === 0, `${width}×${height}:\n      ${problems.join("\n      ")}`);
        await expectNoSidewaysScroll(page, `${width}×${height}`);
        await page.locator(".anomaly-panel .counters").screenshot({ path: `${SCREENSHOTS}layout-counters-${width}.png` });
      }
    },
  },
  {
    name: "layout: presentation mode fills the screen with the diagram, anomalies beside it; Escape leaves it",
    async run({ page, open, expectNoAxeViolations }) {
      for (const [width, height] of [[1280, 720], [1920, 1080]]) {
        const where = `presenting at ${width}×${height}`;
        await openAt(page, open, width, height);
        const normalLabel = await diagramFontPx(page, ".lane-label");
        await enterPresentation(page);
        await viewShot(page, `layout-presentation-${width}x${height}`);
        await expectPresentationLayout(page, where);
        const label = await diagramFontPx(page, ".lane-label");
        console.log(`    # ${where}: lane labels ${normalLabel} px → ${label} px`);
        assert(label >= 17 && label > normalLabel, `${where}: lane labels are ${label} px (${normalLabel} px outside presentation)`);
        await expectLaneLabelsFit(page, where);
        for (const [control, name] of playbackControls(page)) await expectReachable(control, `${where}: ${name}`);
        if (width === 1920) await expectNoAxeViolations();
        await page.keyboard.press("Escape");
        await page.locator(".app.presenting").waitFor({ state: "detached" });
        assert(await page.locator("aside.controls").isVisible(), `${where}: Escape should bring the configuration back`);
      }
    },
  },
  {
    name: "layout: dark theme in presentation mode and on a phone",
    async run({ page, open, expectNoAxeViolations }) {
      await page.emulateMedia({ colorScheme: "dark" });
      await openAt(page, open, 1280, 720);
      await page.getByTestId("show-all-anomalies").check();
      await page.locator(".explanation").first().click();
      await viewShot(page, "layout-dark-1280x720");
      await expectNoAxeViolations();
      await enterPresentation(page);
      await viewShot(page, "layout-dark-presentation");
      await expectPresentationLayout(page, "dark, presenting");
      await expectNoAxeViolations();
      await page.keyboard.press("Escape");
      await page.setViewportSize({ width: 390, height: 844 });
      await settle(page);
      await viewShot(page, "layout-dark-phone");
      const side = await boxes(page, { side: ".side" });
      assert(side.side.width >= 0.9 * 390, `dark phone: the anomalies are ${Math.round(side.side.width)} px wide, not one column`);
      await expectNoSidewaysScroll(page, "dark phone");
      await expectNoAxeViolations();
    },
  },
  {
    name: "layout: notices float over the page without moving the diagram, below the help dialog",
    async run({ page, open }) {
      await openAt(page, open, 1280, 720);
      await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
      const before = await boxes(page, { svg: "[data-testid=diagram]" });
      await page.getByRole("button", { name: "Copy link" }).click();
      const notice = page.getByTestId("notice").first();
      await notice.waitFor();
      await settle(page);
      await viewShot(page, "layout-notice");
      const after = await boxes(page, { svg: "[data-testid=diagram]", notice: "[data-testid=notice]" });
      assert(after.svg.top === before.svg.top && after.svg.height === before.svg.height,
        `a notice moved the diagram from ${fmt(before.svg)} to ${fmt(after.svg)}`);
      await expectReachable(notice.getByRole("button").first(), "the notice's button");
      await expectReachable(page.locator("#play-button"), "Play, with a notice shown");
      // The help dialog's overlay covers the notices.
      await page.keyboard.press("?");
      await page.getByTestId("help").waitFor();
      const onTop = await page.evaluate(({ left, top, width, height }) => {
        const hit = document.elementFromPoint(left + width / 2, top + height / 2);
        return !hit.closest("[data-testid=notice]");
      }, after.notice);
      assert(onTop, "the help dialog's overlay should cover the notices");
    },
  },
];
