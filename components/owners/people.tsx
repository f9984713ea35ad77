"use client";
// Who can own a risk or a mitigation, and who is signed in: loaded once by the console layout and
// shared by every owner picker and "mine" marker below it, so forms need no request of their own.
import { createContext, useContext } from "react";
import type { OwnerDto } from "@/lib/domain/owners";

interface People {
  people: OwnerDto[];
  meId: number | null;
}
const PeopleContext = createContext<People>({ people: [], meId: null });

export function PeopleProvider({ people, meId, children }: People & { children: React.ReactNode }) {
  return <PeopleContext.Provider value={{ people, meId }}>{children}</PeopleContext.Provider>;
}
export const usePeople = () => useContext(PeopleContext);

/** The owner field of a form (`name="owner_id"`, "" for nobody). A current owner who is no longer active stays selectable. */
export function OwnerSelect({ current, label = "Owner", error }: { current: OwnerDto | null | undefined; label?: string; error?: string }) {
  const { people } = usePeople();
  const choices = current && !people.some((p) => p.id === current.id) ? [current, ...people] : people;
  return (
    <label>
      {label}
      <select name="owner_id" defaultValue={current ? String(current.id) : ""}>
        <option value="">nobody</option>
        {choices.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </label>
  );
}

/** A form's owner value as the API takes it. */
export const ownerIdOf = (f: FormData): number | null => (f.get("owner_id") ? Number(f.get("owner_id")) : null);

/** An owner's name (with "(you)" when it is the signed-in user), or a dash. */
export function OwnerName({ owner }: { owner: OwnerDto | null }) {
  const { meId } = usePeople();
  if (!owner) return <span className="muted">—</span>;
  return (
    <span title={owner.email} data-testid="owner-name">
      {owner.name}
      {owner.id === meId && <span className="muted"> (you)</span>}
    </span>
  );
}
