"use client";
// The admins' user list: create, edit (name, e-mail, role, disabled, new password), enable or
// disable with one click, delete. A new e-mail, role or password is confirmed with the admin's
// own current password. Refusals (the last admin, a taken e-mail, a weak password, a wrong
// current password) come back from the server and are shown where they apply.
import { useRouter } from "next/navigation";
import { useRef } from "react";
import { api } from "@/lib/client/api";
import { useApiAction } from "@/lib/client/use-api-action";
import type { UserDto } from "@/lib/domain/users";
import { FieldErrorText } from "@/components/shell/field-error";
import { FormError } from "@/components/shell/form-error";

export const PASSWORD_HINT = "At least 12 characters, not containing the name or e-mail.";

export function NewUserForm() {
  const router = useRouter();
  const action = useApiAction();
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const r = await action.run(() =>
      api<UserDto>("POST", "/api/v1/users", {
        name: String(f.get("name")),
        email: String(f.get("email")),
        role: String(f.get("role")),
        password: String(f.get("password")),
      }),
    );
    if (r.ok) {
      form.reset();
      router.refresh();
    }
  }
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="New user">
      <div className="row">
        <label>
          Name
          <input name="name" required maxLength={100} autoComplete="off" />
          <FieldErrorText message={action.fieldError("name")} />
        </label>
        <label>
          E-mail
          <input name="email" type="email" required maxLength={200} autoComplete="off" />
          <FieldErrorText message={action.fieldError("email")} />
        </label>
      </div>
      <div className="row">
        <label>
          Role
          <select name="role" defaultValue="analyst">
            <option value="analyst">analyst</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label>
          Initial password
          <input
            name="password"
            type="password"
            required
            minLength={12}
            maxLength={200}
            autoComplete="new-password"
            aria-describedby="pw-hint"
          />
          <FieldErrorText message={action.fieldError("password")} />
        </label>
      </div>
      <p className="muted" id="pw-hint">
        {PASSWORD_HINT} Share it with the person; they can change it on their Account page.
      </p>
      <FormError message={action.error} />
      <div>
        <button type="submit" disabled={action.busy}>
          {action.busy ? "Creating…" : "Create user"}
        </button>
      </div>
    </form>
  );
}

function EditUserButton({ user }: { user: UserDto }) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const action = useApiAction();
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const next = {
      name: String(f.get("name")),
      email: String(f.get("email")),
      role: String(f.get("role")),
      disabled: f.get("disabled") === "on",
    };
    // Only what changed: an unchanged e-mail or role is not a change to audit.
    const patch: Record<string, unknown> = Object.fromEntries(Object.entries(next).filter(([k, v]) => user[k as keyof UserDto] !== v));
    const password = String(f.get("password") ?? "");
    if (password) patch.password = password;
    if (Object.keys(patch).length === 0) return dialog.current?.close();
    // Only where the server asks for it: these changes take over an account.
    if ("email" in patch || "role" in patch || "password" in patch) patch.current_password = String(f.get("current_password") ?? "");
    const r = await action.run(() => api("PATCH", `/api/v1/users/${user.id}`, patch));
    if (r.ok) {
      for (const name of ["password", "current_password"]) {
        const input = form.elements.namedItem(name);
        if (input instanceof HTMLInputElement) input.value = ""; // passwords do not linger in a closed dialog
      }
      dialog.current?.close();
      router.refresh();
    }
  }
  return (
    <>
      <button className="secondary" onClick={() => (action.clear(), dialog.current?.showModal())}>
        Edit
      </button>
      <dialog ref={dialog} aria-label={`Edit ${user.name}`}>
        <form className="form" onSubmit={submit} noValidate>
          <h1>Edit {user.name}</h1>
          <label>
            Name
            <input name="name" defaultValue={user.name} required maxLength={100} />
            <FieldErrorText message={action.fieldError("name")} />
          </label>
          <label>
            E-mail
            <input name="email" type="email" defaultValue={user.email} required maxLength={200} />
            <FieldErrorText message={action.fieldError("email")} />
          </label>
          <label>
            Role
            <select name="role" defaultValue={user.role}>
              <option value="analyst">analyst</option>
              <option value="admin">admin</option>
            </select>
          </label>
          <label className="check">
            <input type="checkbox" name="disabled" defaultChecked={user.disabled} /> Disabled (cannot sign in; open sessions end)
          </label>
          <label>
            New password (leave empty to keep)
            <input name="password" type="password" maxLength={200} autoComplete="new-password" />
            <FieldErrorText message={action.fieldError("password")} />
          </label>
          <label>
            Your current password (to change the e-mail, role or password)
            <input name="current_password" type="password" maxLength={200} autoComplete="current-password" />
            <FieldErrorText message={action.fieldError("current_password")} />
          </label>
          <FormError message={action.error} />
          <div className="row">
            <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" disabled={action.busy}>
              {action.busy ? "Saving…" : "Save"}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

function RowActions({ user, self }: { user: UserDto; self: boolean }) {
  const router = useRouter();
  const action = useApiAction();
  async function setDisabled(disabled: boolean) {
    if ((await action.run(() => api("PATCH", `/api/v1/users/${user.id}`, { disabled }))).ok) router.refresh();
  }
  async function remove() {
    if (!window.confirm(`Delete ${user.name} (${user.email})? Their sessions and API tokens end now. This cannot be undone.`)) return;
    if ((await action.run(() => api("DELETE", `/api/v1/users/${user.id}`))).ok) router.refresh();
  }
  return (
    <td className="actions">
      <EditUserButton user={user} />
      {!self && (
        <button className="secondary" disabled={action.busy} onClick={() => void setDisabled(!user.disabled)}>
          {user.disabled ? "Enable" : "Disable"}
        </button>
      )}
      {!self && (
        <button className="danger" disabled={action.busy} onClick={() => void remove()}>
          Delete
        </button>
      )}
      {action.error && (
        <span className="field-error" role="alert">
          {action.error}
        </span>
      )}
    </td>
  );
}

export function UserTable({ users, selfId }: { users: UserDto[]; selfId: number }) {
  if (users.length === 0) return <div className="empty">No users match.</div>;
  return (
    <table data-testid="user-list">
      <thead>
        <tr>
          <th>Name</th>
          <th>E-mail</th>
          <th>Role</th>
          <th>Status</th>
          <th>Password set</th>
          <th>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {users.map((u) => (
          <tr key={u.id} data-user-email={u.email}>
            <td>
              {u.name}
              {u.id === selfId && <span className="muted"> (you)</span>}
            </td>
            <td>{u.email}</td>
            <td>
              <span className="pill">{u.role}</span>
            </td>
            <td>{u.disabled ? <span className="pill pill-off">disabled</span> : <span className="pill">active</span>}</td>
            <td className="muted">{u.password_changed_at ? new Date(u.password_changed_at).toLocaleDateString() : "—"}</td>
            <RowActions user={u} self={u.id === selfId} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
