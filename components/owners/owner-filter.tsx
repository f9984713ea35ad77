"use client";
// The owner filter of a list's filter bar: anyone, me, nobody, or one person.
import type { OwnerFilter as Filter } from "@/lib/domain/owners";
import { usePeople } from "./people";

export function OwnerFilter({ value }: { value: Filter | undefined }) {
  const { people, meId } = usePeople();
  return (
    <label>
      Owner
      <select name="owner_id" defaultValue={value === undefined ? "" : String(value)}>
        <option value="">anyone</option>
        <option value="none">nobody</option>
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
            {p.id === meId ? " (you)" : ""}
          </option>
        ))}
      </select>
    </label>
  );
}
