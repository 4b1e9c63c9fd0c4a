/**
 * Terms a sentence defines, for English text: the phrase after "called",
 * "named", "termed", "known as", "referred to as", "we call (this)",
 * "we define", and the subject of a sentence of the shape "X is a …",
 * "An X is the …", "X, which is …" (X of one to four words).
 *
 * The phrases are returned as written; the key-phrase scorer turns them
 * into word runs and treats every phrase inside them like a heading term.
 * A sentence that defines a term is also the best note on it
 * (`concept_notes.ts`).
 *
 * @module
 */

const AFTER_CUE =
  /\b(?:called|named|termed|dubbed|known as|referred to as|we (?:call|define|name|term|refer to)(?: (?:this|it|them|these|such \w+))?(?: as)?)\s+["“'‘]?([\p{L}\p{N}][\p{L}\p{N}' -]{1,60})/giu;
const SUBJECT =
  /^(?:(?:an?|the)\s+)?([\p{L}\p{N}][\p{L}\p{N}-]*(?:\s+[\p{L}\p{N}][\p{L}\p{N}-]*){0,3})\s*(?:\([^)]{1,40}\)\s*)?(?:,\s*which\s+)?(?:is|are)\s+(?:an?|the|defined as|called)\s/iu;
const MAX_WORDS = 4;

function firstWords(text: string, count: number): string {
  return text.trim().split(/\s+/).slice(0, count).join(" ");
}

/** Returns the phrases that `sentence` defines (as written), possibly none. */
export function definedPhrases(sentence: string): string[] {
  const found: string[] = [];
  const subject = sentence.includes(" is ") || sentence.includes(" are ")
    ? SUBJECT.exec(sentence)
    : null;
  if (subject) found.push(subject[1]);
  if (!/called|named|termed|dubbed|known as|referred to|we /i.test(sentence)) return found;
  AFTER_CUE.lastIndex = 0;
  for (let m = AFTER_CUE.exec(sentence); m !== null; m = AFTER_CUE.exec(sentence)) {
    found.push(firstWords(m[1], MAX_WORDS));
  }
  return found;
}
