/**
 * Generated markdown for the offline compiler's tests and benchmarks: a
 * seeded pseudo-random corpus with headings, paragraphs, lists, tables and
 * code, whose content words follow a Zipf-like distribution, so key phrases
 * recur the way they do in real text.
 *
 * @module
 */

const SYLLABLES = ["ka", "lo", "mi", "ter", "van", "ros", "pel", "dun", "ix", "or", "sa", "quen"];
const STOP = ["the", "of", "and", "a", "to", "in", "is", "for", "that", "with", "as", "on", "by"];

/** A small deterministic PRNG (mulberry32): numbers in [0, 1). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@linkcode generateMarkdown}. */
export interface GenerateMarkdownOptions {
  /** PRNG seed. @default 1 */
  seed?: number;
  /** Distinct content words. @default 4000 */
  vocabulary?: number;
}

/** Returns roughly `bytes` characters of markdown (ASCII, so bytes = characters). */
export function generateMarkdown(bytes: number, options: GenerateMarkdownOptions = {}): string {
  const next = random(options.seed ?? 1);
  const size = options.vocabulary ?? 4000;
  const vocabulary: string[] = [];
  for (let i = 0; i < size; i++) {
    let word = "";
    for (let n = i;; n = Math.floor(n / SYLLABLES.length) - 1) {
      word += SYLLABLES[n % SYLLABLES.length];
      if (n < SYLLABLES.length) break;
    }
    vocabulary.push(word + (i % 7 === 0 ? "s" : ""));
  }
  const content = () => vocabulary[Math.floor(size * next() ** 3)];
  const sentence = () => {
    const words: string[] = [];
    const length = 8 + Math.floor(next() * 18);
    for (let i = 0; i < length; i++) words.push(next() < 0.4 ? STOP[i % STOP.length] : content());
    const text = words.join(" ");
    return text[0].toUpperCase() + text.slice(1) + ".";
  };
  const parts: string[] = [`# ${content()} ${content()}\n`];
  let total = parts[0].length;
  for (let block = 0; total < bytes; block++) {
    let part: string;
    if (block % 12 === 11) part = `## ${content()} ${content()} ${content()}\n`;
    else if (block % 17 === 16) part = "```js\nconst x = compute(" + content() + ");\n```\n";
    else if (block % 23 === 22) {
      part = `| name | kind |\n| --- | --- |\n| ${content()} | ${content()} |\n`;
    } else if (block % 9 === 8) part = `- ${sentence()}\n- ${sentence()}\n- ${sentence()}\n`;
    else {
      const sentences: string[] = [];
      const count = 3 + Math.floor(next() * 5);
      for (let i = 0; i < count; i++) sentences.push(sentence());
      part = sentences.join(" ") + "\n";
    }
    parts.push(part);
    total += part.length + 1;
  }
  return parts.join("\n");
}
