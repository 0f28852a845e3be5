// The simulation worker (see src/ui/worker). The page posts the URL of its wasm-bindgen
// glue and its compiled WebAssembly.Module; this instantiates that same module, whose
// `main` finds no window and answers run requests instead of mounting the app. Nothing
// is fetched or compiled twice, and the CSP's script-src 'self' covers this file.
addEventListener(
  "message",
  async ({ data }) => {
    try {
      const { default: init } = await import(data.glue);
      await init({ module_or_path: data.module });
    } catch (error) {
      postMessage({ type: "unavailable", message: String(error) });
    }
  },
  { once: true },
);
