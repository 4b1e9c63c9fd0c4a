import assert from "node:assert/strict";
import type { InputError } from "../core/errors.ts";
import { checkPdfStreams } from "../prepare/read/check_pdf_streams.ts";
import { makeFlatePdf } from "./_hostile_corpus.ts";
import { fixtureBytes } from "./_formats.ts";

Deno.test("checkPdfStreams() refuses a content stream that inflates more than the ratio allows", async () => {
  const bomb = await makeFlatePdf(8 * 1024 * 1024);
  await assert.rejects(
    () => checkPdfStreams(bomb, "bomb.pdf", { maxCompressionRatio: 100 }),
    (error: InputError) => {
      assert.equal(error.code, "TOO_LARGE");
      assert.equal(
        error.message,
        "Cannot read 'bomb.pdf': a stream of the PDF inflates to more than 100 times its " +
          "compressed size (limits.maxCompressionRatio in .quire/config.json)",
      );
      return true;
    },
  );
  await assert.rejects(
    () =>
      checkPdfStreams(bomb, "bomb.pdf", { maxCompressionRatio: 10_000, maxStreamBytes: 2 ** 21 }),
    /a stream of the PDF inflates to more than 2 MiB$/,
  );
});

Deno.test("checkPdfStreams() leaves images, small streams and real PDFs alone", async () => {
  await checkPdfStreams(await makeFlatePdf(8 * 1024 * 1024, { image: true }), "i.pdf", {
    maxCompressionRatio: 100,
  });
  await checkPdfStreams(await makeFlatePdf(512 * 1024), "s.pdf", { maxCompressionRatio: 100 });
  for (const name of ["outline.pdf", "long-no-outline.pdf", "encrypted.pdf"]) {
    await checkPdfStreams(await fixtureBytes(name), name, { maxCompressionRatio: 2 });
  }
});
