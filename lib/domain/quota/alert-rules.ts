// Alert rules as data (README "Alerts"): what raises an alert, for whom, how loud, and how often
// it may repeat. Four kinds:
//   violations   `count` violations by one user within `window_minutes`
//   utilization  `percent` % of any one quota used in its current window
//   throttle     a user's throttle factor below `factor` for `minutes`
//   system       the server's `resource` (cpu | memory) above `percent` % for `minutes`
// Admins edit them over /api/v1/alert-rules (audited); ALERT_RULES only seeds the defaults into
// a database that never had rules. Every instance keeps the enabled rules in memory, reloaded on
// each alert_rule.changed event (from any instance) or after 5 s.
import "server-only";
import { z } from "zod";
import { LoadingCache } from "../../cache/loading-cache";
import type { Db } from "../../db/client";
import type { AlertRule as AlertRuleRow } from "../../db/generated/sqlite/client";
import { LOCKS, lockedTransaction } from "../../db/locks";
import type { DbFlavor } from "../../db/url";
import { audit, changedFields, type Actor } from "../audit";
import { NotFoundError, ValidationError } from "../errors";
import type { EventPublisher } from "../events";
import { dbId, text } from "../schema-helpers";
import type { Clock } from "../time";

/** One ALERT_RULES entry: N violations by one user in a day (the shape lib/config.ts parses). */
export interface AlertRuleSeed {
  count: number;
  severity: "warning" | "critical";
}

export const DEFAULT_ALERT_RULES: AlertRuleSeed[] = [
  { count: 3, severity: "warning" },
  { count: 5, severity: "critical" },
];

export const ALERT_RULE_KINDS = ["violations", "utilization", "throttle", "system"] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];
const DAY_MINUTES = 1440;
const MONTH_MINUTES = 31 * DAY_MINUTES;

const common = {
  name: text().trim().min(1).max(100).optional(),
  severity: z.enum(["warning", "critical"]),
  /** Omitted or null: every user (system rules have no user). */
  user_id: dbId().nullable().optional(),
  enabled: z.boolean().default(true),
  /** The same rule and subject alert again only after this many minutes. */
  cooldown_minutes: z.number().int().min(1).max(MONTH_MINUTES).default(60),
};
const minutes = (min: number) => z.number().int().min(min).max(MONTH_MINUTES);
const percent = z.number().min(1).max(100);

export const alertRuleCreateSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("violations"), count: z.number().int().min(1).max(1_000_000), window_minutes: minutes(1), ...common }),
  z.strictObject({ kind: z.literal("utilization"), percent, ...common }),
  z.strictObject({ kind: z.literal("throttle"), factor: z.number().min(0.01).max(1), minutes: minutes(0), ...common }),
  z.strictObject({
    kind: z.literal("system"),
    resource: z.enum(["cpu", "memory"]),
    percent,
    minutes: minutes(0),
    ...common,
    user_id: z.null({ error: "a system rule is about the server, not a user" }).optional(),
  }),
]);

/** Any field of the rule; the stored rule with these applied must again be a valid rule. */
export const alertRulePatchSchema = z.strictObject({
  kind: z.enum(ALERT_RULE_KINDS).optional(),
  name: common.name,
  severity: common.severity.optional(),
  user_id: common.user_id,
  enabled: z.boolean().optional(),
  cooldown_minutes: z.number().int().min(1).max(MONTH_MINUTES).optional(),
  count: z.number().optional(),
  window_minutes: z.number().optional(),
  percent: z.number().optional(),
  factor: z.number().optional(),
  minutes: z.number().optional(),
  resource: z.enum(["cpu", "memory"]).optional(),
});

export type AlertRuleInput = z.infer<typeof alertRuleCreateSchema>;
export type AlertRulePatch = z.infer<typeof alertRulePatchSchema>;

interface AlertRuleCommon {
  id: number;
  name: string;
  severity: "warning" | "critical";
  /** null: every user. */
  user_id: number | null;
  username: string | null;
  enabled: boolean;
  cooldown_minutes: number;
  created_at: string;
  updated_at: string;
}
/** An alert rule as the API shows it: the common fields and its kind's own. */
export type AlertRuleDto = AlertRuleCommon &
  (
    | { kind: "violations"; count: number; window_minutes: number }
    | { kind: "utilization"; percent: number }
    | { kind: "throttle"; factor: number; minutes: number }
    | { kind: "system"; resource: "cpu" | "memory"; percent: number; minutes: number }
  );

type Row = AlertRuleRow & { user?: { name: string } | null };

export function alertRuleDto(r: Row): AlertRuleDto {
  const base: AlertRuleCommon = {
    id: r.id,
    name: r.name,
    severity: r.severity === "critical" ? "critical" : "warning",
    user_id: r.userId,
    username: r.user?.name ?? null,
    enabled: r.enabled,
    cooldown_minutes: r.cooldownMinutes,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
  switch (r.kind) {
    case "violations":
      return { ...base, kind: "violations", count: r.threshold, window_minutes: r.minutes };
    case "utilization":
      return { ...base, kind: "utilization", percent: r.threshold };
    case "throttle":
      return { ...base, kind: "throttle", factor: r.threshold, minutes: r.minutes };
    default:
      return { ...base, kind: "system", resource: r.resource === "memory" ? "memory" : "cpu", percent: r.threshold, minutes: r.minutes };
  }
}

/** The API's input form of a stored rule (what a PATCH is applied to). */
function inputOf(d: AlertRuleDto): Record<string, unknown> {
  const { id: _id, username: _u, created_at: _c, updated_at: _up, ...rest } = d;
  return rest;
}

function defaultName(r: AlertRuleInput): string {
  switch (r.kind) {
    case "violations":
      return `${r.count} violations in ${r.window_minutes} min`;
    case "utilization":
      return `Utilisation ≥ ${r.percent} %`;
    case "throttle":
      return `Throttle below ${r.factor} for ${r.minutes} min`;
    case "system":
      return `${r.resource === "cpu" ? "CPU" : "Memory"} above ${r.percent} % for ${r.minutes} min`;
  }
}

function columns(r: AlertRuleInput) {
  const shared = {
    name: r.name ?? defaultName(r),
    kind: r.kind,
    severity: r.severity,
    userId: r.user_id ?? null,
    enabled: r.enabled,
    cooldownMinutes: r.cooldown_minutes,
  };
  switch (r.kind) {
    case "violations":
      return { ...shared, threshold: r.count, minutes: r.window_minutes, resource: null };
    case "utilization":
      return { ...shared, threshold: r.percent, minutes: 0, resource: null };
    case "throttle":
      return { ...shared, threshold: r.factor, minutes: r.minutes, resource: null };
    case "system":
      return { ...shared, threshold: r.percent, minutes: r.minutes, resource: r.resource };
  }
}

const auditable = (d: AlertRuleDto) => inputOf(d);
/** The ChangeCounter row that says the defaults were seeded once: deleting every rule must stick. */
const SEEDED = "alert_rules.seeded";

export function createAlertRuleService(deps: { db: Db; flavor: DbFlavor; events: EventPublisher; clock: Clock }) {
  const { db, flavor, events, clock } = deps;
  const include = { user: { select: { name: true } } } as const;
  const cache = new LoadingCache<"enabled", AlertRuleDto[]>(
    async () => (await db.alertRule.findMany({ where: { enabled: true }, orderBy: { id: "asc" }, include })).map(alertRuleDto),
    { ttlMs: 5000 },
  );

  async function checkUser(tx: Pick<Db, "user">, userId: number | null | undefined) {
    if (userId == null) return;
    if (!(await tx.user.findUnique({ where: { id: userId }, select: { id: true } })))
      throw new ValidationError("validation failed", [{ field: "user_id", message: `user ${userId} not found` }]);
  }
  const changed = (ruleId: number, change: "created" | "updated" | "deleted") => {
    cache.invalidate("enabled");
    events.publish({ type: "alert_rule.changed", ruleId, change });
  };

  return {
    /** The enabled rules (cached; every instance reloads on alert_rule.changed). */
    enabled: () => cache.get("enabled"),
    /** Drops the cached rules (told by alert_rule.changed from any instance). */
    invalidate: () => cache.invalidate("enabled"),

    async list(): Promise<{ items: AlertRuleDto[] }> {
      return { items: (await db.alertRule.findMany({ orderBy: { id: "asc" }, include })).map(alertRuleDto) };
    },

    async create(input: AlertRuleInput, actor: Actor): Promise<AlertRuleDto> {
      const at = clock.now();
      const dto = await lockedTransaction(db, flavor, LOCKS.alertRules, async (tx) => {
        await checkUser(tx, input.user_id);
        const row = await tx.alertRule.create({ data: { ...columns(input), createdAt: at }, include });
        const d = alertRuleDto(row);
        await audit(tx, {
          actor,
          action: "created",
          entity: "alert_rule",
          entityId: row.id,
          changes: changedFields(null, auditable(d)),
          at,
        });
        return d;
      });
      changed(dto.id, "created");
      return dto;
    },

    async update(id: number, patch: AlertRulePatch, actor: Actor): Promise<AlertRuleDto> {
      const at = clock.now();
      const dto = await lockedTransaction(db, flavor, LOCKS.alertRules, async (tx) => {
        const prev = await tx.alertRule.findUnique({ where: { id }, include });
        if (!prev) throw new NotFoundError("alert rule", id);
        const before = alertRuleDto(prev);
        const merged: Record<string, unknown> = { ...inputOf(before), ...patch };
        // A change of kind keeps only the fields the new kind has (they are named again in the patch).
        if (patch.kind && patch.kind !== before.kind)
          for (const k of ["count", "window_minutes", "percent", "factor", "minutes", "resource"]) if (!(k in patch)) delete merged[k];
        // A name the server made up follows the rule's new figures.
        if (patch.name === undefined && before.name === defaultName(alertRuleCreateSchema.parse(inputOf(before)))) delete merged.name;
        const next = alertRuleCreateSchema.parse(merged);
        await checkUser(tx, next.user_id);
        const row = await tx.alertRule.update({ where: { id }, data: columns(next), include });
        const d = alertRuleDto(row);
        const changes = changedFields(auditable(before), auditable(d));
        if (Object.keys(changes).length) await audit(tx, { actor, action: "updated", entity: "alert_rule", entityId: id, changes, at });
        return d;
      });
      changed(id, "updated");
      return dto;
    },

    async remove(id: number, actor: Actor): Promise<void> {
      const at = clock.now();
      await lockedTransaction(db, flavor, LOCKS.alertRules, async (tx) => {
        const prev = await tx.alertRule.findUnique({ where: { id }, include });
        if (!prev) throw new NotFoundError("alert rule", id);
        await tx.alertRule.delete({ where: { id } });
        await audit(tx, {
          actor,
          action: "deleted",
          entity: "alert_rule",
          entityId: id,
          changes: changedFields(auditable(alertRuleDto(prev)), null),
          at,
        });
      });
      changed(id, "deleted");
    },

    /**
     * ALERT_RULES into a database that never had rules: each "N:severity" becomes a violations
     * rule over a day with a day's cooldown (what ALERT_RULES meant before rules were data).
     * Runs once per database, whatever happens to the rules afterwards. Returns how many it made.
     */
    async seedDefaults(seeds: AlertRuleSeed[], actor: Actor): Promise<number> {
      const at = clock.now();
      const made = await lockedTransaction(db, flavor, LOCKS.alertRules, async (tx) => {
        if (await tx.changeCounter.findUnique({ where: { name: SEEDED } })) return 0;
        await tx.changeCounter.create({ data: { name: SEEDED, value: 1 } });
        if ((await tx.alertRule.count()) > 0) return 0;
        for (const s of seeds) {
          const input = alertRuleCreateSchema.parse({
            kind: "violations",
            name: `${s.count} violations in a day`,
            count: s.count,
            window_minutes: DAY_MINUTES,
            severity: s.severity,
            cooldown_minutes: DAY_MINUTES,
          });
          const row = await tx.alertRule.create({ data: { ...columns(input), createdAt: at }, include });
          await audit(tx, {
            actor,
            action: "created",
            entity: "alert_rule",
            entityId: row.id,
            changes: changedFields(null, auditable(alertRuleDto(row))),
            at,
          });
        }
        return seeds.length;
      });
      if (made) changed(0, "created");
      return made;
    },
  };
}
export type AlertRuleService = ReturnType<typeof createAlertRuleService>;
