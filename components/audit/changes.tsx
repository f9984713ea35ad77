import type { FieldChanges } from "@/lib/domain/audit";

const show = (v: unknown) => (v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

/** before → after for each changed field (created: only "after"; deleted: only "before"). */
export function Changes({ changes, action }: { changes: FieldChanges; action: string }) {
  const fields = Object.entries(changes);
  if (fields.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="changes">
      {fields.map(([field, [before, after]]) => (
        <li key={field}>
          <b>{field}</b>:{" "}
          {action === "created" ? (
            <code>{show(after)}</code>
          ) : action === "deleted" ? (
            <code>{show(before)}</code>
          ) : (
            <>
              <code>{show(before)}</code> → <code>{show(after)}</code>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
