import Link from "next/link";

/** Violations and alerts are two views of one history. */
export function HistoryTabs({ current }: { current: "violations" | "alerts" }) {
  const tab = (key: typeof current, label: string) => (
    <Link href={`/admin/${key}`} className={current === key ? "tab active" : "tab"} aria-current={current === key ? "page" : undefined}>
      {label}
    </Link>
  );
  return (
    <nav className="tabs" aria-label="History">
      {tab("violations", "Violations")}
      {tab("alerts", "Alerts")}
    </nav>
  );
}

/** The user filter both history pages share. */
export function UserSelect({ users, value }: { users: { id: number; name: string; email: string }[]; value?: string }) {
  return (
    <label>
      User
      <select name="user_id" defaultValue={value ?? ""}>
        <option value="">anyone</option>
        {users.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name} ({u.email})
          </option>
        ))}
      </select>
    </label>
  );
}

export function DateFilters({ raw }: { raw: Record<string, string> }) {
  return (
    <>
      <label>
        From (UTC)
        <input type="date" name="since" defaultValue={raw.since?.slice(0, 10)} />
      </label>
      <label>
        To (UTC)
        <input type="date" name="until" defaultValue={raw.until?.slice(0, 10)} />
      </label>
    </>
  );
}
