// Draws a review's diagram as GitHub would, to a PNG, with Debian's headless Chromium and the
// Mermaid of this folder (no browser download): for a look at it, not for the tests.
//   python -m review < preview.json > review.md
//   node tools/mermaid-check/render-png.mjs review.md out.png [WIDTHxHEIGHT]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const [source, out, size = "1400x700"] = process.argv.slice(2);
if (!source || !out) {
  console.error("usage: node render-png.mjs REVIEW.md OUT.png [WIDTHxHEIGHT]");
  process.exit(2);
}
const found = readFileSync(source, "utf8").match(/^```mermaid\n([\s\S]*?)^```$/m);
if (!found) {
  console.error(`${source}: no \`\`\`mermaid block`);
  process.exit(1);
}
const escaped = found[1].replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const mermaidJs = join(dirname(fileURLToPath(import.meta.url)), "node_modules", "mermaid", "dist", "mermaid.min.js");
const page = `<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:16px;background:#fff;font-family:sans-serif">
<pre class="mermaid">${escaped}</pre>
<script charset="utf-8" src="file://${mermaidJs}"></script>
<script>mermaid.initialize({ startOnLoad: true, securityLevel: "strict" });</script>
</body></html>`;
const work = mkdtempSync(join(tmpdir(), "mermaid-render-"));
try {
  writeFileSync(join(work, "page.html"), page);
  execFileSync(
    process.env.CHROMIUM ?? "/usr/bin/chromium",
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      `--user-data-dir=${join(work, "profile")}`,
      "--allow-file-access-from-files",
      "--virtual-time-budget=10000",
      `--window-size=${size.replace("x", ",")}`,
      `--screenshot=${resolve(out)}`,
      `file://${join(work, "page.html")}`,
    ],
    { stdio: ["ignore", "ignore", "pipe"], timeout: 120000 },
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(resolve(out));
