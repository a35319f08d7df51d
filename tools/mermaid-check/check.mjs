// Checks Mermaid diagrams with Mermaid's own parser (mermaid.parse), headless: jsdom gives
// DOMPurify, which Mermaid sanitises labels with, the window it needs.
//   node tools/mermaid-check/check.mjs FILE...   (no FILE: standard input)
// A file ending in .md is Markdown: each of its ```mermaid blocks is checked (none is an
// error: a review meant to hold one); any other file is one diagram. Prints one line per
// diagram that fails, `FILE[#N]: the parser's message`, on stderr, and exits 1 if any does.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

const { window } = new JSDOM("");
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import("mermaid");

function diagramsOf(name, text) {
  if (!name.endsWith(".md")) return [[name, text]];
  const blocks = [...text.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m, n) => [`${name}#${n + 1}`, m[1]]);
  return blocks.length ? blocks : [[name, null]];
}

const files = process.argv.slice(2);
const inputs = files.length ? files.map((f) => [f, readFileSync(f, "utf8")]) : [["<stdin>", readFileSync(0, "utf8")]];
let failed = 0;
let checked = 0;
for (const [name, text] of inputs.flatMap(([name, text]) => diagramsOf(name, text))) {
  checked += 1;
  try {
    if (text === null) throw new Error("no ```mermaid block");
    await mermaid.parse(text);
  } catch (error) {
    failed += 1;
    console.error(`${name}: ${String(error.message ?? error).replace(/\s*\n\s*/g, " | ")}`);
  }
}
console.log(`mermaid-check: ${checked - failed} of ${checked} diagrams valid`);
process.exit(failed ? 1 : 0);
