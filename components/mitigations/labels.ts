// Mitigation statuses as people read them, for server and client components alike (the domain
// module is server-only; its type keeps this list complete).
import type { MitigationStatus } from "@/lib/domain/mitigations";

const STATUS_LABEL: Record<MitigationStatus, string> = { not_started: "not started", in_progress: "in progress", completed: "completed" };
export const MITIGATION_STATUS_OPTIONS = Object.keys(STATUS_LABEL) as MitigationStatus[];
export const statusLabel = (s: MitigationStatus) => STATUS_LABEL[s];
