// The home page: the app mounts, and the page is accessible.
export const tests = [
  {
    name: "home page mounts the app and has no serious accessibility violations",
    async run({ page, open, screenshot, expectNoAxeViolations }) {
      await open();
      // The <h1> exists only once the Yew app has mounted: index.html's body is empty.
      const heading = page.locator("h1");
      const text = (await heading.textContent())?.trim();
      if (text !== "Idempotency Lab") throw new Error(`expected h1 "Idempotency Lab", got ${JSON.stringify(text)}`);
      await screenshot("home");
      await expectNoAxeViolations();
    },
  },
];
