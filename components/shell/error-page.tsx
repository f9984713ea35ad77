"use client";
// The body of the error boundaries (app/error.tsx, app/(console)/error.tsx): says the page failed,
// offers a retry (which refetches the segment from the server) and a way out. The server's
// message never reaches the browser; the digest matches the server's log entry.
import { ProblemPage } from "./problem-page";

export function ErrorPage({ error, retry, home }: { error: unknown; retry: () => void; home: { href: string; label: string } }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <ProblemPage
      title="This page could not load"
      links={[home]}
      action={
        <button type="button" onClick={() => retry()}>
          Try again
        </button>
      }
    >
      Something went wrong while loading it; trying again often helps.
      {digest && <span className="muted"> Reference: {digest}.</span>}
    </ProblemPage>
  );
}
