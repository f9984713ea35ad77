// What a new password must be: long enough, and not built from who the user is. Returns the
// problem in words (for the form and the API's validation details), or null.
const COMMON = new Set(["password", "passw0rd", "123456789012", "qwertyuiopas", "letmeinplease", "riskpulse", "administrator", "changeme"]);
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

export function passwordProblem(password: string, who: { email?: string; name?: string }): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return "too common";
  const parts = [who.email?.split("@")[0], who.email, ...(who.name?.split(/\s+/) ?? [])]
    .map((p) => p?.toLowerCase().trim())
    .filter((p): p is string => !!p && p.length >= 3);
  if (parts.some((p) => lower.includes(p))) return "must not contain your name or e-mail";
  return null;
}
