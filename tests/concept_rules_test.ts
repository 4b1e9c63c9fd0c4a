import assert from "node:assert/strict";
import type { ConvertedDocument } from "../core/types.ts";
import { compileOffline } from "../prepare/compile/compile_offline.ts";
import { conceptNote } from "../prepare/compile/concept_notes.ts";
import { conceptSlug, singularWord } from "../prepare/compile/concept_slug.ts";
import { definedPhrases } from "../prepare/compile/defined_terms.ts";
import { englishRank, GENERIC_RANK, isEnglishWord } from "../prepare/compile/english_words.ts";
import { keyPhrases } from "../prepare/compile/key_phrases.ts";
import { isModifier } from "../prepare/compile/phrase_scores.ts";
import { plainBlocks } from "../prepare/compile/plain_text.ts";
import { textUnits } from "../prepare/compile/sentences.ts";
import { unitRoles } from "../prepare/compile/unit_roles.ts";
import { labelFlaw, matchesExpected } from "./_concept_quality.ts";

function doc(markdown: string, title = ""): ConvertedDocument {
  return { type: "markdown", ext: "md", title, markdown, sections: [], warnings: [], facts: {} };
}

function slugs(markdown: string, title = ""): string[] {
  return compileOffline(doc(markdown, title)).concepts.map((c) => c.slug);
}

Deno.test("englishRank() ranks general vocabulary above field terms", () => {
  for (const word of ["file", "version", "name", "user", "information", "data", "system"]) {
    assert.ok(englishRank(word) <= GENERIC_RANK, word);
  }
  for (const word of ["entropy", "latency", "paxos", "zookeeper"]) {
    assert.ok(englishRank(word) > GENERIC_RANK, word);
  }
  assert.equal(isEnglishWord("important"), true);
  assert.equal(isEnglishWord("ortant"), false);
});

Deno.test("singularWord() keeps names ending in -s and takes real singulars", () => {
  assert.equal(singularWord("workspaces"), "workspace");
  assert.equal(singularWord("caches"), "cache");
  assert.equal(singularWord("dependencies"), "dependency");
  assert.equal(singularWord("epochs"), "epoch");
  for (const name of ["paxos", "coreutils", "e2fsprogs", "series", "data", "redis", "chaos"]) {
    assert.equal(singularWord(name), name);
  }
});

Deno.test("conceptSlug() merges case, plurals and hyphens, and reads acronyms as written", () => {
  assert.equal(conceptSlug("Self-Attention"), conceptSlug("self attention"));
  assert.equal(conceptSlug("release series"), "release-series");
  assert.equal(conceptSlug("Paxos groups"), "paxos-group");
  assert.equal(conceptSlug("APIs"), "api");
  assert.equal(conceptSlug("HDFS"), "hdfs");
  assert.equal(conceptSlug("macOS"), "macos");
  assert.equal(conceptSlug("Datenbanken", "de"), "datenbanken");
});

Deno.test("keyPhrases() counts 'self-attention' and 'self attention' as one phrase", () => {
  const text = "Self-attention relates positions. The self attention layer is fast. " +
    "We stack self-attention layers. Self attention again.";
  const phrase = keyPhrases(text).find((p) => p.slug === "self-attention");
  assert.ok(phrase, keyPhrases(text).map((p) => p.slug).join(" "));
  assert.equal(phrase.frequency, 4);
  assert.equal(phrase.label, "self-attention");
});

Deno.test("keyPhrases() joins words broken by hyphenation back into real words", () => {
  const text = "An imp-ortant numb er of quorums. Another imp-ortant numb er of quorums. " +
    "Quorums matter: imp-ortant numb er.";
  const labels = keyPhrases(text).map((p) => p.label);
  assert.ok(labels.every((l) => !/imp-ortant|numb er|ortant|\ber\b/.test(l)), labels.join(" | "));
  assert.ok(labels.includes("quorums"), labels.join(" | "));
});

Deno.test("compileOffline() never makes generic words, dates or versions concepts on their own", () => {
  const text = [
    "The file holds the version name. Each file has a version and a name and data.",
    "Release 2.39.0 ships on Fri Apr 14. Fri Apr 14 was chosen; v2.39 follows.",
    "Quorum leases keep the file data safe. Quorum leases expire.",
  ].join("\n\n");
  const found = slugs(text, "Quorum leases");
  for (const junk of ["file", "version", "name", "data", "fri-apr", "fri", "apr", "v2-39"]) {
    assert.ok(!found.includes(junk), `${junk} in ${found.join(" ")}`);
  }
  assert.ok(found.includes("quorum-lease"), found.join(" "));
});

Deno.test("compileOffline() makes frequent names and acronyms concepts", () => {
  const text = "Our store replicates with Paxos. Each group runs Paxos across zones. " +
    "The TrueTime API bounds clock error. TrueTime exposes uncertainty. " +
    "Reads at a timestamp use TrueTime and Paxos together. We rank with BM25 and tune BM25.";
  const found = slugs(text, "A replicated store");
  for (const name of ["paxos", "truetime", "bm25"]) {
    assert.ok(found.includes(name), found.join(" "));
  }
});

Deno.test("compileOffline() boosts a defined term over phrases the document merely repeats", () => {
  const text = "We call this technique consistent hashing. " +
    "Cache servers answer page requests. Cache servers answer page requests quickly. " +
    "Consistent hashing maps keys to caches.";
  assert.equal(slugs(text)[0], "consistent-hashing");
  assert.deepEqual(definedPhrases("We call this technique consistent hashing."), [
    "technique consistent hashing",
  ]);
  assert.deepEqual(definedPhrases("A quorum is a majority of replicas."), ["quorum"]);
  assert.deepEqual(definedPhrases("The cache warms up slowly."), []);
});

Deno.test("isModifier() tells adverbs and participles from nouns ending alike", () => {
  for (const word of ["partially", "corrected", "preceded", "embedded"]) {
    assert.ok(isModifier(word));
  }
  for (const word of ["family", "assembly", "speed", "hundred"]) assert.ok(!isModifier(word), word);
});

Deno.test("unitRoles() marks licences, trailers, tables of contents, repeats, navigation and references", () => {
  const markdown = [
    "# Guide",
    "Quorum leases make reads local.",
    "This program is free software; you can redistribute it and/or modify it. It comes " +
    "WITHOUT ANY WARRANTY.",
    "Reported-by: Ann Example",
    "1 Introduction .......... 3",
    "Page footer",
    "Page footer",
    "Page footer",
    "Figure 2: Lease timeline.",
    "* Equal contribution.",
    "## See also",
    "- Other page",
    "## References",
    "[1] A. Author. A paper. 1999.",
  ].join("\n\n");
  const units = textUnits(plainBlocks(markdown));
  const roles = unitRoles(units, { levels: plainBlocks(markdown).map((b) => b.level) });
  const role = (text: string) => roles[units.findIndex((u) => u.text.startsWith(text))];
  assert.equal(role("Quorum leases"), "body");
  assert.equal(role("This program"), "boilerplate");
  assert.equal(role("It comes"), "boilerplate", "the whole licence paragraph");
  assert.equal(role("Reported-by"), "boilerplate");
  assert.equal(role("1 Introduction"), "boilerplate");
  assert.equal(role("Page footer"), "boilerplate");
  assert.equal(role("Figure 2"), "caption");
  assert.equal(role("Equal contribution"), "body", "a list item, not a footnote mark");
  assert.equal(role("Other page"), "boilerplate");
  assert.equal(role("[1] A. Author"), "reference");
});

Deno.test("conceptNote() quotes the definition, not a footnote, caption or reference", () => {
  const markdown = [
    "∗ Leases were proposed by Jo; quorum leases were her idea.",
    "Figure 1: quorum leases over time.",
    "In our system quorum leases matter a lot for the read path and for writes.",
    "A quorum lease is a promise by a majority of replicas not to accept writes.",
    "## References",
    "[3] B. Writer. Quorum leases revisited. 2014.",
  ].join("\n\n");
  const units = textUnits(plainBlocks(markdown));
  const roles = unitRoles(units);
  const phrase = keyPhrases(markdown).find((p) => p.slug === "quorum-lease");
  assert.ok(phrase);
  assert.equal(
    conceptNote(units, phrase, { roles }),
    "A quorum lease is a promise by a majority of replicas not to accept writes.",
  );
  const noDefinition = units.slice(0, 3);
  const first = conceptNote(noDefinition, { ...phrase, units: [0, 1, 2] }, {
    roles: unitRoles(noDefinition),
  });
  assert.match(first, /^In our system quorum leases matter/);
});

Deno.test("compileOffline() is byte-identical across runs", () => {
  const text = "Quorum leases and Paxos groups. ".repeat(30) + "TrueTime bounds error. ".repeat(5);
  const one = JSON.stringify(compileOffline(doc(text, "Leases")));
  const two = JSON.stringify(compileOffline(doc(text, "Leases")));
  assert.equal(one, two);
});

Deno.test("labelFlaw() counts generic words, dates, versions and artifacts", () => {
  assert.equal(labelFlaw("file"), "generic");
  assert.equal(labelFlaw("Versions"), "generic");
  assert.equal(labelFlaw("Fri Apr"), "date");
  assert.equal(labelFlaw("2.39.0 release"), "version");
  assert.equal(labelFlaw("imp-ortant"), "artifact");
  assert.equal(labelFlaw("numb er"), "artifact");
  assert.equal(labelFlaw("Reported-by"), "artifact");
  assert.equal(labelFlaw("Skip to content"), "artifact");
  assert.equal(labelFlaw("General Commands Manual"), "artifact");
  for (const fine of ["Paxos", "self-attention", "file system", "entropy", "hot spots"]) {
    assert.equal(labelFlaw(fine), null, fine);
  }
});

Deno.test("matchesExpected() accepts reasonable surface forms only", () => {
  assert.ok(matchesExpected("self attention", "self-attention"));
  assert.ok(matchesExpected("caching layer", "caching"));
  assert.ok(matchesExpected("observational unit", "observations"));
  assert.ok(matchesExpected("Epochs", "epochs"));
  assert.ok(!matchesExpected("hash function", "hot spots"));
  assert.ok(!matchesExpected("tidy", "tidy data"));
});
