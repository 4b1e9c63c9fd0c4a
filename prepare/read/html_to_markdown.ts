/**
 * The one HTML → markdown converter shared by the HTML and DOCX readers:
 * turndown with the Joplin fork of the GFM plugin (tables, strikethrough,
 * task lists), ATX headings, `-` bullets and fenced code.
 *
 * Choices made here:
 * - Code blocks: any `<pre>` becomes a fenced block; its language comes from
 *   a `language-x` or `lang-x` class on the `<code>` inside or on the `<pre>`,
 *   or a `lang`/`data-lang` attribute. Line breaks are kept (`<br>` and
 *   line `<div>`s too); a `<pre>` with several `<code>` elements (tabs)
 *   gives one block each. The fence is longer than any backtick run in the
 *   code.
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

/** The DOM node fields the rules read (typed here: the project does not load the DOM lib). */
interface NodeLike {
  nodeName: string;
  nodeType: number;
  textContent: string | null;
  childNodes?: ArrayLike<NodeLike>;
}

/** The DOM element fields the rules read. */
interface ElementLike extends NodeLike {
  getAttribute(name: string): string | null;
  firstElementChild: ElementLike | null;
  parentNode: ElementLike | null;
  children: ArrayLike<unknown>;
  nextSibling: unknown;
}

function languageOf(element: ElementLike | null): string {
  if (!element) return "";
  const match = /(?:^|\s)lang(?:uage)?-([\w+#.-]+)/.exec(element.getAttribute("class") ?? "");
  if (match) return match[1];
  const attribute = element.getAttribute("lang") ?? element.getAttribute("data-lang");
  return attribute && /^[\w+#.-]+$/.test(attribute) ? attribute : "";
}

/** The text of a code element with its line breaks: `<br>` and block children end lines. */
function codeText(node: NodeLike): string {
  if (node.nodeType === 3) return node.textContent ?? "";
  if (node.nodeName === "BR") return "\n";
  let text = "";
  for (const child of Array.from(node.childNodes ?? [])) text += codeText(child);
  if (/^(DIV|P|LI)$/.test(node.nodeName) && !text.endsWith("\n")) text += "\n";
  return text;
}

function fence(code: string, language: string): string {
  let longest = 0;
  for (const run of code.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const marks = "`".repeat(Math.max(3, longest + 1));
  return `${marks}${language}\n${code.replace(/\n$/, "")}\n${marks}`;
}

/**
 * A `<pre>` as fenced code. A `<pre>` holding several `<code>` elements
 * (tabbed examples, such as node's CommonJS and ES module versions) gives
 * one block per `<code>`, each with its own language.
 */
function fencedCode(pre: ElementLike): string {
  const codes = Array.from(pre.children).filter((child) =>
    (child as ElementLike).nodeName === "CODE"
  );
  if (codes.length > 1) {
    const blocks = codes.map((code) =>
      fence(codeText(code as ElementLike), languageOf(code as ElementLike) || languageOf(pre))
    );
    return `\n\n${blocks.join("\n\n")}\n\n`;
  }
  const code = codes.length === 1 ? codes[0] as ElementLike : null;
  return `\n\n${fence(codeText(code ?? pre), languageOf(code) || languageOf(pre))}\n\n`;
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
