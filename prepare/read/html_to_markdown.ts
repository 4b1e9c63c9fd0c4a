/**
 * The one HTML → markdown converter shared by the HTML and DOCX readers:
 * turndown with the Joplin fork of the GFM plugin (tables, strikethrough,
 * task lists), ATX headings, `-` bullets and fenced code.
 *
 * Choices made here:
 * - Code blocks: any `<pre>` becomes a fenced block; its language comes from
 *   a `language-x` or `lang-x` class on the `<code>` inside or on the `<pre>`,
 *   or a `lang`/`data-lang` attribute. The fence is longer than any backtick
 *   run in the code.
 * - Images with a `data:` URI (mammoth's inline images) keep only their alt
 *   text, so the source page does not fill up with base64.
 * - List items use a one-space marker (`- item`, `1. item`).
 * - `<script>`, `<style>`, `<noscript>`, `<template>` and `<iframe>` are dropped.
 *
 * @module
 */

// @ts-types="npm:@types/turndown@5.0.6"
import TurndownService from "turndown";
import { gfm } from "turndown-plugin-gfm";

let service: TurndownService | undefined;

/** The DOM element fields the rules read (typed here: the project does not load the DOM lib). */
interface ElementLike {
  nodeName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  firstElementChild: ElementLike | null;
  parentNode: ElementLike | null;
  children: ArrayLike<unknown>;
  nextSibling: unknown;
}

function codeLanguage(pre: ElementLike): string {
  const code = pre.firstElementChild?.nodeName === "CODE" ? pre.firstElementChild : null;
  for (const element of [code, pre]) {
    if (!element) continue;
    const match = /(?:^|\s)lang(?:uage)?-([\w+#.-]+)/.exec(element.getAttribute("class") ?? "");
    if (match) return match[1];
    const attribute = element.getAttribute("lang") ?? element.getAttribute("data-lang");
    if (attribute && /^[\w+#.-]+$/.test(attribute)) return attribute;
  }
  return "";
}

function fencedCode(pre: ElementLike): string {
  const code = (pre.textContent ?? "").replace(/\n$/, "");
  let longest = 0;
  for (const run of code.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `\n\n${fence}${codeLanguage(pre)}\n${code}\n${fence}\n\n`;
}

/** A list item with a one-space marker (`- x`, `1. x`), continuation lines indented to match. */
function listItem(content: string, node: ElementLike): string {
  const parent = node.parentNode;
  let prefix = "- ";
  if (parent?.nodeName === "OL") {
    const start = Number(parent.getAttribute("start") ?? "1");
    const index = Array.prototype.indexOf.call(parent.children, node);
    prefix = `${(Number.isFinite(start) ? start : 1) + index}. `;
  }
  const body = content.replace(/^\n+/, "").replace(/\n+$/, "") + (/\n$/.test(content) ? "\n" : "");
  const indented = body.replace(/\n/g, "\n" + " ".repeat(prefix.length));
  return prefix + indented + (node.nextSibling ? "\n" : "");
}

function createService(): TurndownService {
  const turndown = new TurndownService({
    headingStyle: "atx",
    hr: "---",
    bulletListMarker: "-",
    codeBlockStyle: "fenced",
    emDelimiter: "_",
    strongDelimiter: "**",
    linkStyle: "inlined",
  });
  turndown.use(gfm);
  turndown.remove(["script", "style", "noscript", "template", "iframe"]);
  turndown.addRule("quireListItem", {
    filter: "li",
    replacement: (content, node) => listItem(content, node as unknown as ElementLike),
  });
  turndown.addRule("quirePre", {
    filter: "pre",
    replacement: (_content, node) => fencedCode(node as unknown as ElementLike),
  });
  turndown.addRule("quireDataImage", {
    filter: (node) => node.nodeName === "IMG" && /^data:/i.test(node.getAttribute("src") ?? ""),
    replacement: (_content, node) =>
      (node as unknown as ElementLike).getAttribute("alt")?.trim() ?? "",
  });
  return turndown;
}

/** Converts an HTML string (a document or a fragment) to markdown ending in one newline. */
export function htmlToMarkdown(html: string): string {
  service ??= createService();
  const markdown = service.turndown(html).replace(/\n{3,}/g, "\n\n").trim();
  return markdown === "" ? "" : markdown + "\n";
}
