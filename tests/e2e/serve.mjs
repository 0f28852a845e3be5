// A tiny static file server for the release build (dist/), used by the end-to-end tests.
// Run it by hand to preview a release build: `node tests/e2e/serve.mjs dist [port]`.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const CONTENT_TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

/** Maps a request path to a file under `root`, or null if it would escape `root`. */
function fileFor(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split("?")[0].split("#")[0]);
  } catch {
    return null;
  }
  if (path.endsWith("/")) path += "index.html";
  const file = resolve(join(root, path));
  return file === root || file.startsWith(root + sep) ? file : null;
}

/**
 * Serves `root` on 127.0.0.1. Port 0 picks a free port.
 * Resolves to { url, close } once listening.
 */
export async function startServer(root, port = 0) {
  const absoluteRoot = resolve(root);
  await stat(join(absoluteRoot, "index.html")); // fail early if there is no build
  const server = createServer(async (request, response) => {
    const file = fileFor(absoluteRoot, request.url ?? "/");
    try {
      if (!file || !(request.method === "GET" || request.method === "HEAD")) throw new Error("refused");
      const body = await readFile(file);
      response.writeHead(200, {
        "Content-Type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
        "Content-Length": body.length,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      });
      response.end(request.method === "HEAD" ? undefined : body);
    } catch {
      response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" });
      response.end("not found\n");
    }
  });
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", ok);
  });
  const url = `http://127.0.0.1:${server.address().port}/`;
  const close = () => new Promise((ok) => server.close(ok));
  return { url, close };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [root = "dist", port = "8081"] = process.argv.slice(2);
  const { url } = await startServer(root, Number(port));
  console.log(`serving ${resolve(root)} at ${url} (Ctrl-C to stop)`);
}
