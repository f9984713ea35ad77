import Link from "next/link";
import { FilterSelect } from "@/components/shell/filters";

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
    <FilterSelect
      name="user_id"
      label="User"
      value={value}
      any="anyone"
      options={users.map((u) => [String(u.id), `${u.name} (${u.email})`] as const)}
    />
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
