"use client";
// One way for forms to call the API: busy while it runs, the server's message and per-field
// errors when it refuses, and "cannot reach the server" (the input is kept) when it is down.
import { useCallback, useState } from "react";
import { ApiError, type FieldError } from "./api";

export function useApiAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<FieldError[]>([]);

  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
    setBusy(true);
    setError(undefined);
    setFields([]);
    try {
      return { ok: true, value: await fn() };
    } catch (err) {
      if (err instanceof ApiError) {
        setFields(err.fields);
        setError(err.fields.length ? "Please fix the fields marked below." : err.message);
      } else setError("Cannot reach the server. Your input is kept; try again.");
      return { ok: false };
    } finally {
      setBusy(false);
    }
  }, []);

  /** The server's message for one field, if it named that field. */
  const fieldError = (name: string) => fields.find((f) => f.field === name)?.message;
  const clear = () => (setError(undefined), setFields([]));
  return { busy, error, fieldError, run, clear };
}
