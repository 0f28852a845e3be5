// Diagram export (issue 10, item 8): the whole run or a chosen range, unfaded, with a title,
// a legend and the trace hash, as a small SVG or a PNG; the dialog that asks for it.
import { copyFile, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const SCREENSHOTS = fileURLToPath(new URL("../../../target/e2e/", import.meta.url));
/** The default preset's whole-run SVG measured 17.7 KB (the old copy of the visible window: 143 KB). */
const MAX_DEFAULT_SVG_BYTES = 24_000;
/** Trace events drawn as arrows (a message from its send or copy) and those that end one. */
const STARTS_ARROW = new Set(["send", "duplicate"]);
const ENDS_ARROW = new Set(["deliver", "late_response", "drop"]);

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

async function waitForDiagram(page) {
  await page.getByTestId("diagram").waitFor();
  await page.locator("[data-testid=diagram] .arrow").first().waitFor({ state: "attached" });
}

/** Clicks `trigger` and returns the download's name, path and bytes. */
async function download(page, trigger) {
  const [file] = await Promise.all([page.waitForEvent("download"), trigger()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), path, bytes: await readFile(path) };
}

async function traceOf(page) {
  const trace = await download(page, () => page.getByRole("button", { name: "Export trace" }).click());
  return JSON.parse(trace.bytes.toString("utf8"));
}

/** Every message as [start, end] in µs, as the diagram draws it (in flight: to the run's end). */
function messages(trace) {
  const endUs = trace.events.at(-1).time_us;
  const open = new Map();
  const spans = [];
  for (const event of trace.events) {
    const key = `${event.msg}/${event.message}`;
    if (STARTS_ARROW.has(event.kind)) {
      open.set(key, spans.length);
      spans.push([event.time_us, endUs]);
    } else if (ENDS_ARROW.has(event.kind) && open.has(key)) {
      spans[open.get(key)][1] = event.time_us;
      open.delete(key);
    }
  }
  return spans;
}

const isMark = (event) => !STARTS_ARROW.has(event.kind) && !ENDS_ARROW.has(event.kind) && event.kind !== "step";

async function openDialog(page) {
  await page.getByRole("button", { name: "Export diagram…" }).click();
  const dialog = page.getByRole("dialog", { name: "Export diagram" });
  await dialog.waitFor();
  return dialog;
}

async function exportFrom(page, dialog) {
  return download(page, () => dialog.getByRole("button", { name: "Export", exact: true }).click());
}

/** What the browser's own SVG parser finds in an exported file. */
async function parseSvg(page, text) {
  // The page's CSP refuses inline styles, also in a parsed document: count the stylesheet here.
  const styles = text.match(/<style>/g)?.length ?? 0;
  const parsed = await page.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, "image/svg+xml");
    const svg = doc.documentElement;
    const all = [...doc.querySelectorAll("*")];
    return {
      broken: doc.querySelector("parsererror") !== null,
      width: Number(svg.getAttribute("width")),
      height: Number(svg.getAttribute("height")),
      title: doc.querySelector("title")?.textContent ?? "",
      texts: [...doc.querySelectorAll("text")].map((t) => t.textContent).join("\n"),
      legend: [...doc.querySelectorAll(".legend text")].map((t) => t.textContent),
      arrows: doc.querySelectorAll(".arrows path").length,
      marks: doc.querySelectorAll(".marks use").length,
      chain: doc.querySelectorAll(".chain > *").length,
      faded: all.filter((e) => e.hasAttribute("opacity") || e.hasAttribute("style") || e.classList.contains("future")).length,
    };
  }, text.replace(/<style>[^<]*<\/style>/, ""));
  return { ...parsed, styles };
}

function pngSize(bytes) {
  assert(bytes.subarray(1, 4).toString() === "PNG" && bytes.subarray(12, 16).toString() === "IHDR", "a PNG file");
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export const tests = [
  {
    name: "export: slides: one anomaly's chain with its sentence as the caption, and as a Mermaid sequence diagram",
    async run({ page, open }) {
      await open();
      await waitForDiagram(page);
      await page.getByTestId("show-all-anomalies").check();
      const whole = await parseSvg(page, (await exportFrom(page, await openDialog(page))).bytes.toString("utf8"));
      await page.locator(".explanation").first().click();
      const sentence = (await page.locator(".explanation.selected .narrative").textContent()).trim();
      let dialog = await openDialog(page);
      await dialog.locator("#export-chain").check();
      const file = await exportFrom(page, dialog);
      const svg = await parseSvg(page, file.bytes.toString("utf8"));
      assert(!svg.broken, "the SVG parses");
      assert(svg.arrows < whole.arrows, `the chain's range is narrower than the run: ${svg.arrows} vs ${whole.arrows}`);
      const words = sentence.split(" ").slice(0, 8).join(" ");
      assert(svg.texts.replace(/\s+/g, " ").includes(words), `the caption carries the sentence "${words}"`);
      await copyFile(file.path, `${SCREENSHOTS}export-chain-caption.svg`);

      dialog = await openDialog(page);
      await dialog.locator("#export-chain").check();
      await dialog.locator("#export-mermaid").check();
      const mermaid = await exportFrom(page, dialog);
      const text = mermaid.bytes.toString("utf8");
      assert(mermaid.name.endsWith("-sequence.mmd"), `file name ${mermaid.name}`);
      assert(text.startsWith("sequenceDiagram\n    title "), `a sequence diagram: ${text.slice(0, 80)}`);
      assert(/participant P0 as /.test(text) && text.includes("Note over"), "participants and notes");
      assert(text.includes(words.replace(/;/g, ",")), "the chain's diagram ends with the anomaly's sentence");
      await copyFile(mermaid.path, `${SCREENSHOTS}export-chain.mmd`);
    },
  },
  {
    name: "export: the whole run as a small SVG, unfaded, with title, legend and trace hash",
    async run({ page, open }) {
      await open();
      await waitForDiagram(page);
      const trace = await traceOf(page);
      const hash = (await page.getByTestId("trace-hash").textContent()).trim();
      const dialog = await openDialog(page);
      const file = await exportFrom(page, dialog);
      await dialog.waitFor({ state: "detached" });
      assert(file.name.endsWith("-diagram.svg"), `file name ${file.name}`);
      const svg = await parseSvg(page, file.bytes.toString("utf8"));
      assert(!svg.broken, "the SVG parses");
      assert(svg.title.includes("lost-response") && svg.title.includes("seed"), `title: ${svg.title}`);
      assert(svg.texts.includes(`Trace hash ${hash}`), `the image shows the trace hash ${hash}`);
      assert(svg.texts.includes("0 ms to 4.00 s of a 4.00 s run"), `the image names its range: ${svg.texts.slice(0, 300)}`);
      for (const label of ["request", "2xx response", "lost message", "charge", "timeout", "retry", "crash"]) {
        assert(svg.legend.includes(label), `legend has "${label}": ${svg.legend.join(", ")}`);
      }
      const spans = messages(trace);
      assert(svg.arrows === spans.length, `one arrow per message of the whole run: ${svg.arrows} vs ${spans.length}`);
      const marks = trace.events.filter(isMark).length;
      assert(svg.marks === marks, `one mark per event: ${svg.marks} vs ${marks}`);
      assert(svg.faded === 0 && !file.bytes.includes("opacity"), "nothing faded");
      assert(svg.styles === 1, "one stylesheet");
      const perItem = file.bytes.length / (spans.length + marks);
      console.log(`  whole-run SVG: ${file.bytes.length} bytes, ${spans.length} messages, ${marks} marks, ` +
        `${perItem.toFixed(1)} bytes per item, ${svg.width} × ${svg.height}`);
      assert(file.bytes.length < MAX_DEFAULT_SVG_BYTES, `SVG is ${file.bytes.length} bytes`);
      await copyFile(file.path, `${SCREENSHOTS}export-whole-run.svg`);

      // The selected anomaly's causal chain stays highlighted, and the legend says what it is.
      await page.getByTestId("show-all-anomalies").check();
      await page.locator(".explanation").first().click();
      await page.locator("[data-testid=diagram] .chain").first().waitFor({ state: "attached" });
      const chained = await exportFrom(page, await openDialog(page));
      const highlighted = await parseSvg(page, chained.bytes.toString("utf8"));
      assert(highlighted.chain > 0 && highlighted.legend.includes("causal chain"), `chain: ${highlighted.chain}`);
      assert(highlighted.arrows === spans.length, "the highlight adds no arrows");
      await copyFile(chained.path, `${SCREENSHOTS}export-chain.svg`);
    },
  },
  {
    name: "export: a custom range, a PNG, and a clear message for a bad range",
    async run({ page, open, screenshot }) {
      await open();
      await waitForDiagram(page);
      const trace = await traceOf(page);

      // A typed range chooses "Custom range" and exports only what overlaps it.
      let dialog = await openDialog(page);
      await dialog.getByLabel("From", { exact: true }).fill("1 s");
      await dialog.getByLabel("To", { exact: true }).fill("1500 ms");
      assert(await dialog.getByLabel("Custom range").isChecked(), "typing a time picks the custom range");
      const ranged = await exportFrom(page, dialog);
      const svg = await parseSvg(page, ranged.bytes.toString("utf8"));
      const [from, to] = [1_000_000, 1_500_000];
      const inRange = messages(trace).filter(([start, end]) => start <= to && end >= from).length;
      const marks = trace.events.filter((e) => isMark(e) && e.time_us >= from && e.time_us <= to).length;
      assert(svg.arrows === inRange && inRange < messages(trace).length, `range arrows ${svg.arrows} vs ${inRange}`);
      assert(svg.marks === marks, `range marks ${svg.marks} vs ${marks}`);
      assert(svg.texts.includes("1.00 s to 1.50 s"), "the image names the range");

      // Bad input: a sentence in the dialog, which stays open; nothing is downloaded.
      dialog = await openDialog(page);
      await dialog.getByLabel("From", { exact: true }).fill("soon");
      let downloads = 0;
      page.on("download", () => { downloads += 1; });
      await dialog.getByRole("button", { name: "Export", exact: true }).click();
      const alert = dialog.getByRole("alert");
      await alert.waitFor();
      const message = await alert.textContent();
      assert(message.startsWith("From: “soon”") && message.includes("such as 1.5 s, 300 ms"), `message: ${message}`);
      await dialog.getByLabel("From", { exact: true }).fill("3 s");
      await dialog.getByLabel("To", { exact: true }).fill("2 s");
      await dialog.getByRole("button", { name: "Export", exact: true }).click();
      await dialog.getByText("The range is empty").waitFor();
      assert(downloads === 0, "a bad range downloads nothing");

      // PNG of the whole run, on a canvas browsers accept.
      await dialog.getByLabel("Whole run").check();
      await dialog.getByLabel("PNG").check();
      const png = await exportFrom(page, dialog);
      assert(png.name.endsWith("-diagram.png"), `file name ${png.name}`);
      const { width, height } = pngSize(png.bytes);
      const whole = await download(page, async () => {
        const again = await openDialog(page);
        await again.getByRole("button", { name: "Export", exact: true }).click();
      });
      const vector = await parseSvg(page, whole.bytes.toString("utf8"));
      assert(width >= vector.width && height >= vector.height, `PNG ${width} × ${height} for SVG ${vector.width} × ${vector.height}`);
      assert(Math.abs(width / height - vector.width / vector.height) < 0.01, "PNG keeps the proportions");
      assert(width <= 16_384 && height <= 16_384 && width * height <= 100e6, `PNG ${width} × ${height} fits a canvas`);
      console.log(`  whole-run PNG: ${png.bytes.length} bytes, ${width} × ${height}`);
      await copyFile(png.path, `${SCREENSHOTS}export-whole-run.png`);
      await screenshot("export-after");
    },
  },
  {
    name: "export: the dialog is accessible and works from the keyboard",
    async run({ page, open, screenshot, expectNoAxeViolations }) {
      await open();
      await waitForDiagram(page);
      const button = page.getByRole("button", { name: "Export diagram…" });
      await button.focus();
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog", { name: "Export diagram" });
      await dialog.waitFor();
      assert(await dialog.getAttribute("aria-modal") === "true", "a modal dialog");
      const focusInside = () => page.evaluate(() => document.activeElement?.closest("[role=dialog]") !== null);
      assert(await focusInside(), "focus moves into the dialog");
      assert(await page.evaluate(() => document.activeElement.id) === "export-whole", "on the chosen range");
      await screenshot("export-dialog");
      await expectNoAxeViolations();
      await page.emulateMedia({ colorScheme: "dark" });
      await screenshot("export-dialog-dark");
      await expectNoAxeViolations();

      // Arrow keys move between the ranges (they are not the app's step shortcuts here).
      const cursorBefore = await page.getByTestId("scrubber").inputValue();
      await page.keyboard.press("ArrowDown");
      assert(await dialog.getByLabel(/^Visible window/).isChecked(), "ArrowDown picks the visible window");
      assert(await page.getByTestId("scrubber").inputValue() === cursorBefore, "the time cursor did not move");
      // Tab stays inside the dialog.
      for (let i = 0; i < 8; i += 1) {
        await page.keyboard.press("Tab");
        assert(await focusInside(), `Tab ${i + 1} keeps the focus in the dialog`);
      }
      await page.keyboard.press("Shift+Tab");
      assert(await focusInside(), "Shift+Tab keeps the focus in the dialog");

      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      assert(await page.evaluate(() => document.activeElement?.textContent) === "Export diagram…", "focus returns to the button");
    },
  },
  {
    name: "export: 20,000 operations: the whole run asks for a narrower range, and one that fits exports",
    async run({ page, open }) {
      await open();
      await waitForDiagram(page);
      const hash = await page.getByTestId("trace-hash").textContent();
      const operations = page.getByTestId("knob-operations");
      await operations.fill("20000");
      await operations.press("Enter");
      await page.waitForFunction((old) => document.querySelector("[data-testid=trace-hash]").textContent !== old, hash,
        { timeout: 60_000 });
      let dialog = await openDialog(page);
      await dialog.getByRole("button", { name: "Export", exact: true }).click();
      const message = await dialog.getByRole("alert").textContent();
      assert(/holds [\d,]+ messages and events; one image can show at most 50,000\. Choose a narrower range: about .+ or less\./
        .test(message), `message: ${message}`);
      const suggested = message.match(/about (.+) or less/)[1];
      await dialog.getByLabel("From", { exact: true }).fill("0 ms");
      await dialog.getByLabel("To", { exact: true }).fill(suggested);
      const file = await exportFrom(page, dialog);
      const svg = await parseSvg(page, file.bytes.toString("utf8"));
      assert(!svg.broken && svg.width <= 16_000, `an image up to 16,000 px wide: ${svg.width}`);
      const items = svg.arrows + svg.marks;
      console.log(`  20,000 operations, 0 ms to ${suggested}: ${file.bytes.length} bytes, ${items} items, ` +
        `${(file.bytes.length / items).toFixed(1)} bytes per item, ${svg.width} × ${svg.height}`);
      assert(items <= 50_000 && file.bytes.length / items < 60, "under 60 bytes per item");
      // The PNG of that range renders too.
      dialog = await openDialog(page);
      await dialog.getByLabel("From", { exact: true }).fill("0 ms");
      await dialog.getByLabel("To", { exact: true }).fill(suggested);
      await dialog.getByLabel("PNG").check();
      const png = await exportFrom(page, dialog);
      const { width, height } = pngSize(png.bytes);
      assert(width <= 16_384 && width * height <= 100e6, `PNG ${width} × ${height}`);
      await copyFile(png.path, `${SCREENSHOTS}export-20000-ops.png`);
    },
  },
];
