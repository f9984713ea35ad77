// Paged lists: `page` and `page_size` from the query string, and how deep a page may go.
import { z } from "zod";
import { ValidationError } from "./errors";

/** The deepest row a page may reach (page × page_size): deeper pages are refused before any
 *  query, since OFFSET reads and discards every row before the page. Documented in README.md
 *  (REST API). Narrow the filters to reach older rows. */
export const MAX_PAGE_DEPTH = 100_000;

export const pageQuery = {
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(200).default(20),
};

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
  pages: number;
}

export const withinPageDepth = (q: { page: number; page_size: number }) => q.page * q.page_size <= MAX_PAGE_DEPTH;

/** 400 `page_too_deep` when page × page_size is past MAX_PAGE_DEPTH. */
export function assertPageDepth(q: { page: number; page_size: number }): void {
  if (withinPageDepth(q)) return;
  const last = Math.floor(MAX_PAGE_DEPTH / q.page_size);
  throw new ValidationError(
    `page too deep: page × page_size may be at most ${MAX_PAGE_DEPTH}`,
    [{ field: "page", message: `at most ${last} with page_size ${q.page_size}; narrow the filters to reach older rows` }],
    "page_too_deep",
  );
}

export function pageArgs(q: { page: number; page_size: number }) {
  assertPageDepth(q); // every list goes through here, whichever edge it came from
  return { skip: (q.page - 1) * q.page_size, take: q.page_size };
}

export function toPage<T>(items: T[], total: number, q: { page: number; page_size: number }): Page<T> {
  return { items, total, page: q.page, page_size: q.page_size, pages: Math.ceil(total / q.page_size) };
}
