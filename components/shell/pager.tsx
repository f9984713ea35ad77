// The line under every paged list: how many, which page, and links that keep the filters.
import Link from "next/link";
import { MAX_PAGE_DEPTH } from "@/lib/domain/pagination";

export function Pager({
  path,
  params,
  page,
  testId,
  noun,
}: {
  path: string;
  params: Record<string, string>;
  page: { total: number; page: number; pages: number; page_size?: number };
  testId: string;
  noun: string;
}) {
  const link = (p: number) => `${path}?${new URLSearchParams({ ...params, page: String(p) })}`;
  // Pages past MAX_PAGE_DEPTH rows are refused: the last reachable one says to narrow the filters.
  const deepest = page.page_size ? Math.floor(MAX_PAGE_DEPTH / page.page_size) : Infinity;
  return (
    <div className="pager">
      <span data-testid={testId}>
        {page.total} {noun} · page {page.page} of {Math.max(page.pages, 1)}
      </span>
      {page.page > 1 && <Link href={link(page.page - 1)}>← Previous</Link>}
      {page.page < page.pages && page.page < deepest && <Link href={link(page.page + 1)}>Next →</Link>}
      {page.page < page.pages && page.page >= deepest && <span className="muted">narrow the filters to see older {noun}</span>}
    </div>
  );
}

/** An instant as "YYYY-MM-DD HH:MM:SS UTC" (the same on the server and in every browser). */
export function UtcTime({ iso }: { iso: string }) {
  return <time dateTime={iso}>{iso.replace("T", " ").slice(0, 19)} UTC</time>;
}
