// Dashboard subscriptions to some sections (lib/contract/sections.ts): what a client subscribed to
// a set of sections gets of each dashboard message. One view per canonical set, shared by every
// client with that set, so a patch is filtered once per change and set — never once per client —
// and the result is kept with the message (a resume from memory reuses it too).
//
// A filtered patch keeps the message's id and `version`; its `base_version` is the newest earlier
// version that touched one of the set's sections (the version the client's sections were last
// changed at), so a client that skipped patches touching none of them can still tell a gap. That
// is recorded per section as each patch is delivered, in log order (record()); a patch older than
// what is recorded, or before the first one seen, gets `version - 1`: a client holding less asks
// for a snapshot, which is safe, never wrong.
import "server-only";
import type { Operation } from "fast-json-patch";
import { envelope } from "../../contract/frames";
import type { DashboardPatch, DashboardView, Message } from "../../contract/protocol";
import { RiskView } from "./risk-view";
import { canonicalSections, SECTION_NAMES, sectionsKey, type Section } from "../../contract/sections";
import { logged, type Logged } from "../log/logged";
import { isRiskMessage, type SessionView } from "../transport-core";

interface Note {
  touched: ReadonlySet<Section>;
  /** Per section, the newest version before this one that touched it. */
  prev: Readonly<Record<Section, number>>;
}

/** The section an operation's path lies in (its first segment), or null for the whole document or another key. */
function sectionOf(path: string): Section | null | "all" {
  if (path === "") return "all";
  const first = path.split("/")[1] ?? "";
  return (SECTION_NAMES as readonly string[]).includes(first) ? (first as Section) : null;
}

/** The sections a patch touches. */
function touchedBy(ops: readonly Operation[]): Set<Section> {
  const out = new Set<Section>();
  for (const op of ops) {
    const s = sectionOf(op.path);
    if (s === "all") return new Set(SECTION_NAMES);
    if (s) out.add(s);
  }
  return out;
}

function pick(data: Record<string, unknown>, sections: readonly Section[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sections) if (s in data) out[s] = data[s];
  return out;
}

/** The dashboard channel's section views and the per-section versions they need. */
export class DashboardSections {
  private notes = new Map<number, Note>();
  private last: Record<Section, number> | null = null;
  private views = new Map<string, SessionView>();
  private cache = new WeakMap<Logged, Map<string, Logged | null>>();
  /** Patches filtered (once per message and set): the figure that shows sharing works. */
  filtered = 0;

  /** `keep`: how many patches' notes are kept (the log's size is enough: older ones cannot be replayed from memory). */
  constructor(private keep: number) {}

  /** Notes a delivered message (every one, in log order: the projection calls this). */
  record(message: Message<"dashboard">): void {
    // (The projection calls this for the restored log at start, too.)
    if (message.type !== "dashboard_patch") return;
    const p = message.data;
    if (this.notes.has(p.version)) return;
    // Before the first patch seen, nothing is known: count every section as changed right before it.
    const last = (this.last ??= Object.fromEntries(SECTION_NAMES.map((s) => [s, p.base_version])) as Record<Section, number>);
    const touched = touchedBy(p.patch);
    this.notes.set(p.version, { touched, prev: { ...last } });
    for (const s of touched) last[s] = p.version;
    if (this.notes.size > this.keep) this.notes.delete(this.notes.keys().next().value!);
  }

  /** The shared view of a set of sections; null for the whole dashboard (nothing to filter). */
  view(sections: readonly Section[] | null): SectionView | null {
    const set = canonicalSections(sections);
    if (!set) return null;
    const key = sectionsKey(set);
    let v = this.views.get(key) as SectionView | undefined;
    if (!v) this.views.set(key, (v = new SectionView(key, set, this)));
    return v;
  }

  /**
   * The shared view of a set of sections plus one risk's messages (`risk` null: the sections'
   * view alone). The caller has checked that the client may read the risk.
   */
  viewWithRisk(sections: readonly Section[] | null, risk: number | null): SessionView | null {
    const inner = this.view(sections);
    if (risk === null) return inner;
    const key = `${inner?.key ?? ""}|risk:${risk}`;
    let v = this.views.get(key);
    if (!v) this.views.set(key, (v = new RiskView(key, risk, inner)));
    return v;
  }

  /** The view named `key` (a Socket.IO room's), if any client ever asked for it. */
  byKey(key: string): SessionView | undefined {
    return this.views.get(key);
  }

  /** A patch as the set sees it: its operations on the set's sections, or null when it touches none. */
  patchFor(m: Logged, view: SectionView): Logged | null {
    let perSet = this.cache.get(m);
    if (!perSet) this.cache.set(m, (perSet = new Map()));
    if (perSet.has(view.key)) return perSet.get(view.key)!;
    const p = m.envelope.data as DashboardPatch;
    const note = this.notes.get(p.version);
    let out: Logged | null = null;
    const wanted = new Set(view.sections);
    if (!note || [...note.touched].some((s) => wanted.has(s))) {
      const patch: Operation[] = [];
      for (const op of p.patch) {
        const s = sectionOf(op.path);
        if (s === "all") patch.push({ ...op, value: pick((op as { value: Record<string, unknown> }).value, view.sections) } as Operation);
        else if (s && wanted.has(s)) patch.push(op);
      }
      const base = note ? Math.max(...view.sections.map((s) => note.prev[s])) : p.version - 1;
      if (patch.length > 0) {
        const data: DashboardPatch = { version: p.version, base_version: base, patch };
        out = logged(envelope("dashboard_patch", m.envelope.id, data, m.envelope.timestamp));
      }
    }
    this.filtered++;
    perSet.set(view.key, out);
    return out;
  }
}

/** One set of sections: what its clients get of each dashboard message. */
export class SectionView implements SessionView {
  constructor(
    readonly key: string,
    readonly sections: readonly Section[],
    private owner: DashboardSections,
  ) {}

  apply(m: Logged): Logged | null {
    const { type } = m.envelope;
    if (type === "dashboard_patch") return this.owner.patchFor(m, this);
    if (isRiskMessage(m)) return null; // only for a risk's subscribers (risk-view.ts)
    if (type !== "dashboard_update") return m;
    // A snapshot goes to one client: filtered for it (it is made for it anyway).
    const d = m.envelope.data as DashboardView;
    const data = { ...pick(d, this.sections), version: d.version } as DashboardView;
    return logged(envelope("dashboard_update", m.envelope.id, data, m.envelope.timestamp));
  }
}
