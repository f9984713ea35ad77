// Users: admins manage them (create, rename, change role, disable, set a password, delete) and
// everyone changes their own password. Any change that narrows someone's access — disabling,
// demoting, deleting, a new password — publishes user.changed and ends their sessions, so open
// sockets and streams lose access at once; a forced password reset, disabling or demoting also
// revokes the user's API tokens. Changing a password, e-mail or role through the API needs the
// acting user's current password in the same request, from a signed-in session (never with an
// API token): one stolen admin cookie cannot quietly take over the other accounts. The last
// active admin can never be removed.
import "server-only";
import { z } from "zod";
import { passwordProblem } from "./password-policy";
import { hashPassword, verifyPassword } from "../hashing/password";
import { ROLES, type Role } from "./roles";
import type { Db, Tx } from "../db/client";
import type { User } from "../db/generated/sqlite/client";
import { lock, LOCKS } from "../db/locks";
import type { DbFlavor } from "../db/url";
import { audit, changedFields, type Actor } from "./audit";
import { ConflictError, NotFoundError, ReauthError, ValidationError } from "./errors";
import type { DomainEvent, EventPublisher } from "./events";
import { pageArgs, pageQuery, toPage } from "./pagination";
import { text } from "./schema-helpers";
import { revokeTokensOf } from "./token-revocation";
import type { Clock } from "./time";
import { updateSchema } from "./update-schema";

const userFields = {
  email: text().trim().toLowerCase().pipe(z.email("a valid e-mail address").max(200)),
  name: text().trim().min(1, "name is required").max(100),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  password: z.string().min(1).max(200),
};
export const userCreateSchema = z.strictObject({
  ...userFields,
  role: userFields.role.default("analyst"),
  disabled: userFields.disabled.default(false),
});
export const userUpdateSchema = updateSchema(userFields);
const currentPassword = z.string().min(1, "enter your current password").max(200);
/** PATCH /api/v1/users/:id: the fields, and the acting user's current password for sensitive ones. */
export const userPatchSchema = z
  .strictObject({ ...userFields, current_password: currentPassword })
  .partial()
  .refine((v) => Object.keys(v).some((k) => k !== "current_password"), { message: "at least one field to update is required" });

/** Who asks for a change through the API: sensitive changes are confirmed with their password. */
export interface Requester {
  userId: number;
  via: "session" | "token";
  currentPassword?: string;
}
/** The fields whose change takes over an account (sign-in and privileges). */
export const SENSITIVE_FIELDS = ["password", "email", "role"] as const;
export const userListSchema = z.object({
  role: z.enum(ROLES).optional(),
  disabled: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  q: text().trim().max(200).optional(),
  ...pageQuery,
});
export const passwordChangeSchema = z.strictObject({
  current_password: z.string().min(1).max(200),
  new_password: z.string().min(1).max(200),
});
export type UserCreate = z.infer<typeof userCreateSchema>;
export type UserUpdate = z.infer<typeof userUpdateSchema>;

export interface UserDto {
  id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  created_at: string;
  updated_at: string;
  password_changed_at: string | null;
}
export function userDto(u: User): UserDto {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role as Role,
    disabled: u.disabled,
    created_at: u.createdAt.toISOString(),
    updated_at: u.updatedAt.toISOString(),
    password_changed_at: u.passwordChangedAt?.toISOString() ?? null,
  };
}
const auditable = (u: User) => ({ email: u.email, name: u.name, role: u.role, disabled: u.disabled });

function checkPassword(password: string, who: { email?: string; name?: string }, field = "password") {
  const problem = passwordProblem(password, who);
  if (problem) throw new ValidationError("validation failed", [{ field, message: `password: ${problem}` }]);
}

const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === "P2002";

/** What the user service needs of the sessions (lib/auth/sessions.ts implements it): ending them. */
export interface SessionEnder {
  /** Ends every session of the user but `keep`. */
  revokeAll(userId: number, keep?: string): Promise<unknown>;
}

/**
 * Users (see the file comment): every change that narrows access publishes user.changed and ends
 * the user's sessions; sensitive changes through the API need the requester's current password;
 * the last active admin cannot be demoted, disabled or deleted (ConflictError).
 */
export function createUserService(deps: { db: Db; events: EventPublisher; clock: Clock; flavor: DbFlavor; sessions: SessionEnder }) {
  const { db, events, clock, flavor } = deps;

  /** Throws unless the requester proved, in this request, who they are. */
  async function confirmRequester(r: Requester, fields: string[]) {
    const what = fields.join(", ");
    if (r.via !== "session")
      throw new ReauthError(
        `changing a user's ${what} needs a signed-in session and your current password; API tokens cannot`,
        "session_required",
      );
    const field = [{ field: "current_password", message: `enter your current password to change ${what}` }];
    if (!r.currentPassword)
      throw new ReauthError(`confirm with your current password to change ${what}`, "current_password_required", field);
    const me = await db.user.findUnique({ where: { id: r.userId }, select: { passwordHash: true } });
    if (!me || !(await verifyPassword(r.currentPassword, me.passwordHash)).ok)
      throw new ReauthError("your current password is wrong", "current_password_wrong", [
        { field: "current_password", message: "current password is wrong" },
      ]);
  }

  /** Inside the transaction, after the change: is there still an enabled admin? */
  async function assertAnAdminRemains(tx: Tx, what: string) {
    const admins = await tx.user.count({ where: { role: "admin", disabled: false } });
    if (admins === 0) throw new ConflictError(`cannot ${what}: it is the last active admin`);
  }

  return {
    async list(q: z.infer<typeof userListSchema>) {
      const where = {
        role: q.role,
        disabled: q.disabled,
        ...(q.q ? { OR: [{ name: { contains: q.q } }, { email: { contains: q.q.toLowerCase() } }] } : {}),
      };
      const [rows, total] = await Promise.all([
        db.user.findMany({ where, orderBy: { id: "asc" }, ...pageArgs(q) }),
        db.user.count({ where }),
      ]);
      return toPage(rows.map(userDto), total, q);
    },

    /** Everyone who can own a risk or a mitigation (active users), by name: the owner pickers' choices. */
    async people() {
      return db.user.findMany({
        where: { disabled: false },
        select: { id: true, name: true, email: true },
        orderBy: [{ name: "asc" }, { id: "asc" }],
      });
    },

    async get(id: number) {
      const u = await db.user.findUnique({ where: { id } });
      if (!u) throw new NotFoundError("user", id);
      return userDto(u);
    },

    async create(input: UserCreate, actor: Actor) {
      checkPassword(input.password, input);
      const passwordHash = await hashPassword(input.password);
      const now = clock.now();
      try {
        const u = await db.$transaction(async (tx) => {
          const created = await tx.user.create({
            data: {
              email: input.email,
              name: input.name,
              role: input.role,
              disabled: input.disabled,
              passwordHash,
              passwordChangedAt: now,
            },
          });
          await audit(tx, {
            actor,
            action: "created",
            entity: "user",
            entityId: created.id,
            changes: changedFields(null, auditable(created)),
            at: now,
          });
          return created;
        });
        events.publish({ type: "user.changed", userId: u.id, change: "created" });
        return userDto(u);
      } catch (e) {
        if (isUniqueViolation(e))
          throw new ConflictError(`a user with e-mail ${input.email} already exists`, [{ field: "email", message: "already in use" }]);
        throw e;
      }
    },

    /**
     * Changes a user. `requester` is who asks through the API (absent for the local shell's
     * `npm run user`, which holds the database itself): a changed password, e-mail or role needs
     * their current password.
     */
    async update(id: number, patch: UserUpdate, actor: Actor, requester?: Requester) {
      const now = clock.now();
      const cur0 = await db.user.findUnique({ where: { id } });
      if (!cur0) throw new NotFoundError("user", id);
      if (requester) {
        const sensitive = SENSITIVE_FIELDS.filter((f) =>
          f === "password" ? patch.password !== undefined : patch[f] !== undefined && patch[f] !== cur0[f],
        );
        if (sensitive.length) await confirmRequester(requester, sensitive);
      }
      if (patch.password !== undefined) checkPassword(patch.password, { email: patch.email ?? cur0.email, name: patch.name ?? cur0.name });
      const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
      try {
        const { before, after, revoked } = await db.$transaction(async (tx) => {
          await lock(tx, flavor, LOCKS.adminSet);
          const cur = await tx.user.findUnique({ where: { id } });
          if (!cur) throw new NotFoundError("user", id);
          const next = await tx.user.update({
            where: { id },
            data: {
              email: patch.email,
              name: patch.name,
              role: patch.role,
              disabled: patch.disabled,
              ...(passwordHash ? { passwordHash, passwordChangedAt: now } : {}),
            },
          });
          if (cur.role === "admin" && !cur.disabled && (next.role !== "admin" || next.disabled)) {
            await assertAnAdminRemains(tx, next.disabled ? "disable this user" : "demote this user");
          }
          const changes = changedFields(auditable(cur), auditable(next));
          if (passwordHash) changes.password = ["(hidden)", "(changed)"];
          await audit(tx, { actor, action: "updated", entity: "user", entityId: id, changes, at: now });
          // Whoever set the password, disabled or demoted the user meant their tokens too: they
          // would otherwise keep working (a token is no session), and come back on re-enabling.
          const why = passwordHash ? "password reset" : next.disabled && !cur.disabled ? "user disabled" : "user demoted";
          const narrowed = passwordHash || (next.disabled && !cur.disabled) || (cur.role === "admin" && next.role !== "admin");
          const revoked: DomainEvent[] = narrowed ? await revokeTokensOf(tx, id, actor, now, why) : [];
          return { before: cur, after: next, revoked };
        });
        // The change first, so every instance drops its cached copy of the user before it hears
        // of the ended sessions and revoked tokens: a disabled user's connections then close as
        // account_disabled, whichever event an instance handles first.
        events.publish({ type: "user.changed", userId: id, change: "updated" });
        // A new password, or being disabled, ends every session; a role change is picked up by
        // the directory (roles are never trusted from the cookie).
        if (passwordHash || (after.disabled && !before.disabled)) await deps.sessions.revokeAll(id);
        for (const e of revoked) events.publish(e);
        return userDto(after);
      } catch (e) {
        if (isUniqueViolation(e))
          throw new ConflictError(`a user with e-mail ${patch.email} already exists`, [{ field: "email", message: "already in use" }]);
        throw e;
      }
    },

    async remove(id: number, actor: Actor) {
      const now = clock.now();
      await db.$transaction(async (tx) => {
        await lock(tx, flavor, LOCKS.adminSet);
        const cur = await tx.user.findUnique({ where: { id } });
        if (!cur) throw new NotFoundError("user", id);
        await tx.user.delete({ where: { id } });
        if (cur.role === "admin" && !cur.disabled) await assertAnAdminRemains(tx, "delete this user");
        await audit(tx, { actor, action: "deleted", entity: "user", entityId: id, changes: changedFields(auditable(cur), null), at: now });
      });
      events.publish({ type: "session.revoked", userId: id });
      events.publish({ type: "user.changed", userId: id, change: "deleted" });
    },

    /** Everyone's own password: the current one is required; other sessions end, this one stays. */
    async changeOwnPassword(userId: number, current: string, next: string, keepSession?: string) {
      const u = await db.user.findUnique({ where: { id: userId } });
      if (!u) throw new NotFoundError("user", userId);
      if (!(await verifyPassword(current, u.passwordHash)).ok) {
        throw new ValidationError("validation failed", [{ field: "current_password", message: "current password is wrong" }]);
      }
      checkPassword(next, u, "new_password");
      const now = clock.now();
      const passwordHash = await hashPassword(next);
      await db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: now } });
        await audit(tx, {
          actor: { id: userId, label: u.email },
          action: "password_changed",
          entity: "user",
          entityId: userId,
          changes: { password: ["(hidden)", "(changed)"] },
          at: now,
        });
      });
      await deps.sessions.revokeAll(userId, keepSession);
      events.publish({ type: "user.changed", userId, change: "updated" });
    },

    /**
     * The first admin of an empty database (ADMIN_EMAIL/ADMIN_PASSWORD or `npm run user`).
     * Returns false when the database already has users.
     */
    async createFirstAdmin(input: { email: string; name: string; password: string }, actor: Actor): Promise<boolean> {
      const parsed = userCreateSchema.parse({ ...input, role: "admin" });
      checkPassword(parsed.password, parsed);
      const passwordHash = await hashPassword(parsed.password);
      const now = clock.now();
      return db.$transaction(async (tx) => {
        await lock(tx, flavor, LOCKS.seed);
        if ((await tx.user.count()) > 0) return false;
        const u = await tx.user.create({
          data: { email: parsed.email, name: parsed.name, role: "admin", passwordHash, passwordChangedAt: now },
        });
        await audit(tx, { actor, action: "created", entity: "user", entityId: u.id, changes: changedFields(null, auditable(u)), at: now });
        return true;
      });
    },
  };
}
export type UserService = ReturnType<typeof createUserService>;
