import assert from "node:assert/strict";
import { pagedSections } from "../prepare/read/paged_sections.ts";

Deno.test("pagedSections() ends a section on the page before the next one at its level or higher", () => {
  const sections = pagedSections([
    { title: "A", level: 1, page: 1 },
    { title: "A.1", level: 2, page: 2 },
    { title: "A.2", level: 2, page: 5 },
    { title: "B", level: 1, page: 7 },
  ], { pageCount: 9 });
  assert.deepEqual(sections, [
    {
      title: "A",
      level: 1,
      startPage: 1,
      endPage: 6,
      children: [
        { title: "A.1", level: 2, startPage: 2, endPage: 4, children: [] },
        { title: "A.2", level: 2, startPage: 5, endPage: 6, children: [] },
      ],
    },
    { title: "B", level: 1, startPage: 7, endPage: 9, children: [] },
  ]);
});

Deno.test("pagedSections() ends a section on its start page when the next starts on the same page", () => {
  const [first, second] = pagedSections([
    { title: "One", level: 1, page: 3 },
    { title: "Two", level: 1, page: 3 },
  ], { pageCount: 4 });
  assert.deepEqual([first.startPage, first.endPage], [3, 3]);
  assert.deepEqual([second.startPage, second.endPage], [3, 4]);
});

Deno.test("pagedSections() gives a heading without a page the next heading's page", () => {
  const [group] = pagedSections([
    { title: "Part I", level: 1 },
    { title: "Chapter 1", level: 2, page: 4 },
    { title: "Chapter 2", level: 2, page: 6 },
  ], { pageCount: 8 });
  assert.deepEqual([group.startPage, group.endPage], [4, 8]);
  assert.deepEqual(group.children.map((c) => [c.startPage, c.endPage]), [[4, 5], [6, 8]]);
});

Deno.test("pagedSections() leaves page ranges out when withPages is false", () => {
  const sections = pagedSections([{ title: "Only", level: 1, page: 1 }], {
    pageCount: 2,
    withPages: false,
  });
  assert.deepEqual(sections, [{ title: "Only", level: 1, children: [] }]);
});
