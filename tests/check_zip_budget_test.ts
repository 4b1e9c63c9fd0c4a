import assert from "node:assert/strict";
import type { InputError } from "../core/errors.ts";
import { checkZipBudget, type ZipBudget } from "../prepare/read/check_zip_budget.ts";
import { deflateParts, makeDocx, makeDocxBomb, makeZip } from "./_make_zip.ts";

const BUDGET: ZipBudget = {
  maxInflatedBytes: 64 * 1024,
  maxTotalBytes: 256 * 1024,
  maxCompressionRatio: 100,
  label: "DOCX file",
};

async function refusal(zip: Uint8Array, budget = BUDGET): Promise<InputError> {
  let caught: unknown;
  try {
    await checkZipBudget(zip, "x.docx", budget);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught, "the archive was accepted");
  return caught as InputError;
}

Deno.test("checkZipBudget() accepts a normal .docx, with Zip64 sizes too", async () => {
  await checkZipBudget(
    makeDocx({ paragraphs: ["Tide tables", "High water at noon."] }),
    "a",
    BUDGET,
  );
  const zip64 = makeZip([{ name: "word/document.xml", data: "<w:document/>", zip64: true }]);
  await checkZipBudget(zip64, "b", BUDGET);
});

Deno.test("checkZipBudget() refuses a declared ratio over the limit before inflating", async () => {
  const error = await refusal(await makeDocxBomb(8 * 1024 * 1024, { run: true }), {
    ...BUDGET,
    maxInflatedBytes: 2 ** 40,
    maxTotalBytes: 2 ** 40,
  });
  assert.equal(error.code, "TOO_LARGE");
  assert.equal(
    error.message,
    "Cannot read 'x.docx': entry 'word/document.xml' inflates to more than 100 times its " +
      "compressed size (limits.maxCompressionRatio in .quire/config.json)",
  );
});

Deno.test("checkZipBudget() stops a bomb that lies about its size at the limit while inflating", async () => {
  const lying = await makeDocxBomb(300 * 1024, { declaredSize: 10 });
  const error = await refusal(lying);
  assert.equal(error.code, "TOO_LARGE");
  assert.match(
    error.message,
    /its text parts inflate to more than 64 KiB \(limits\.maxInflatedBytes/,
  );
  // A ratio bomb that lies too is caught by the ratio once it passes 1 MiB.
  const ratio = await refusal(
    await makeDocxBomb(4 * 1024 * 1024, { run: true, declaredSize: 10 }),
    {
      ...BUDGET,
      maxInflatedBytes: 2 ** 40,
      maxTotalBytes: 2 ** 40,
    },
  );
  assert.match(ratio.message, /more than 100 times its compressed size/);
});

Deno.test("checkZipBudget() counts binary entries against maxInputBytes and XML hidden in them as text", async () => {
  const zeros = await deflateParts([new Uint8Array(512 * 1024)]);
  const binary = makeZip([{
    name: "word/media/a.png",
    data: "",
    deflated: zeros,
    declaredSize: 1,
  }]);
  assert.match(
    (await refusal(binary)).message,
    /^Cannot read 'x\.docx': it inflates to more than 256 KiB \(limits\.maxInputBytes/,
  );
  const hidden = makeZip([{ name: "word/media/a.png", data: "<w:p>" + "x".repeat(100_000) }]);
  assert.match((await refusal(hidden)).message, /its text parts inflate to more than 64 KiB/);
});

Deno.test("checkZipBudget() calls a damaged archive CORRUPT", async () => {
  const docx = makeDocx({ paragraphs: ["Short"] });
  const truncated = await refusal(docx.subarray(0, docx.length - 30));
  assert.equal(truncated.code, "CORRUPT");
  assert.match(truncated.message, /^Cannot read 'x\.docx': the DOCX file is damaged \(/);
  const garbage = makeZip([{
    name: "word/document.xml",
    data: "",
    deflated: new Uint8Array([0xff, 0xff, 0xff, 0xff]),
    declaredSize: 10,
  }]);
  assert.match((await refusal(garbage)).message, /'word\/document\.xml' does not inflate/);
  const longer = makeZip([{ name: "word/document.xml", data: "<w:p>more</w:p>", declaredSize: 3 }]);
  assert.match((await refusal(longer)).message, /inflates to more than it declares/);
});
