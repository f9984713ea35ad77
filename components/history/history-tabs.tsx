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

/** A filter by person: the history pages' user, the audit log's actor. */
export function UserSelect({
  users,
  value,
  name = "user_id",
  label = "User",
}: {
  users: { id: number; name: string; email: string }[];
  value?: string;
  name?: string;
  label?: string;
}) {
  return (
    <FilterSelect
      name={name}
      label={label}
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
