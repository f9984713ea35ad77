// The line under every paged list: how many, which page, and links that keep the filters.
import Link from "next/link";

export function Pager({
  path,
  params,
  page,
  testId,
  noun,
}: {
  path: string;
  params: Record<string, string>;
  page: { total: number; page: number; pages: number };
  testId: string;
  noun: string;
}) {
  const link = (p: number) => `${path}?${new URLSearchParams({ ...params, page: String(p) })}`;
  return (
    <div className="pager">
      <span data-testid={testId}>
        {page.total} {noun} · page {page.page} of {Math.max(page.pages, 1)}
      </span>
      {page.page > 1 && <Link href={link(page.page - 1)}>← Previous</Link>}
      {page.page < page.pages && <Link href={link(page.page + 1)}>Next →</Link>}
    </div>
  );
}

/** An instant as "YYYY-MM-DD HH:MM:SS UTC" (the same on the server and in every browser). */
export function UtcTime({ iso }: { iso: string }) {
  return <time dateTime={iso}>{iso.replace("T", " ").slice(0, 19)} UTC</time>;
}
