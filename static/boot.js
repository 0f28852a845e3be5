// Starts the WebAssembly app.
//
// Trunk's default loader is an inline <script>, which the page's Content-Security-Policy
// (script-src 'self') forbids. Trunk.toml's `pattern_script` therefore emits two <meta> tags
// naming the hashed loader and wasm files, and this ordinary same-origin module reads them.
const content = (name) => {
  const meta = document.querySelector(`meta[name="${name}"]`);
  if (!meta) throw new Error(`boot.js: missing <meta name="${name}">; is Trunk.toml's pattern_script set?`);
  return meta.content;
};

const { default: init } = await import(content("app-loader"));
const wasm = await init({ module_or_path: content("app-wasm") });
dispatchEvent(new CustomEvent("TrunkApplicationStarted", { detail: { wasm } }));
