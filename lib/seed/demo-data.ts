// Pure generators for the demo data set: no database here, so the shapes are easy to test.
import { riskScore, type Severity } from "../domain/risks";
import { DAY_MS, addDays, round, startOfUtcDay, utcDay } from "../domain/time";
import type { Rng } from "./random";

const ASSETS = [
  "Payment API",
  "Customer portal",
  "Data warehouse",
  "HR system",
  "CI pipeline",
  "Mobile app",
  "Billing service",
  "Identity provider",
  "Backup storage",
  "Partner SFTP",
  "Email gateway",
  "Kubernetes cluster",
  "Analytics SDK",
  "Support desk",
  "Vendor VPN",
  "Card vault",
  "Search cluster",
  "Release tooling",
  "Office Wi-Fi",
  "ERP",
];
const THREATS = [
  "credential leak",
  "ransomware exposure",
  "unpatched dependency",
  "single point of failure",
  "SQL injection",
  "misconfigured access policy",
  "data retention breach",
  "vendor insolvency",
  "capacity shortfall",
  "expired certificate",
  "insider misuse",
  "DDoS exposure",
  "unencrypted backups",
  "audit log gaps",
  "key rotation overdue",
];
const ACTIONS = [
  "Rotate secrets",
  "Enable MFA",
  "Patch and redeploy",
  "Add failover replica",
  "Run tabletop exercise",
  "Tighten IAM policy",
  "Encrypt at rest",
  "Add WAF rule",
  "Renegotiate SLA",
  "Automate renewal",
  "Review access logs",
];

// Likelihood × impact ranges that land each severity in a plausible score band.
const BANDS: Record<Severity, [number, number]> = { critical: [0.8, 1], high: [0.6, 0.85], medium: [0.4, 0.65], low: [0.1, 0.45] };
const SEVERITY_MIX: Severity[] = ["critical", "high", "high", "medium", "medium", "medium", "medium", "low", "low", "low"];

export interface SeedRisk {
  title: string;
  description: string;
  severity: Severity;
  likelihood: number;
  impact: number;
  score: number;
  status: "open" | "closed";
  openedAt: Date;
  closedAt: Date | null;
  history: { score: number; recordedAt: Date }[];
  mitigations: SeedMitigation[];
  treatment: string | null;
  residualLikelihood: number | null;
  residualImpact: number | null;
  residualScore: number;
  nextReviewAt: Date;
  category: string;
  tags: string[];
}

// The register fields follow from the row's index, not the random stream: the rest of the demo
// data stays exactly what it was before these fields existed.
const TREATMENT_CYCLE = ["mitigate", "mitigate", "accept", "transfer", "avoid", null] as const;
const CATEGORIES = ["Technology", "Third party", "Compliance", "Operations", "Financial"];
const TAG_SETS = [["cloud"], ["vendor"], ["gdpr", "privacy"], [], ["payments", "pci"]];
function registerFields(i: number, likelihood: number, impact: number, now: Date) {
  const treatment = TREATMENT_CYCLE[i % TREATMENT_CYCLE.length]!;
  const mitigated = treatment === "mitigate";
  const residualLikelihood = mitigated ? round(likelihood * 0.5, 2) : null;
  const residualImpact = mitigated ? round(impact * 0.8, 2) : null;
  return {
    treatment,
    residualLikelihood,
    residualImpact,
    residualScore: riskScore(residualLikelihood ?? likelihood, residualImpact ?? impact),
    // One in seven is overdue for review, the rest due within three months.
    nextReviewAt: addDays(now, i % 7 === 0 ? -((i % 20) + 1) : ((i * 7) % 90) + 1),
    category: CATEGORIES[i % CATEGORIES.length]!,
    tags: TAG_SETS[i % TAG_SETS.length]!,
  };
}
export interface SeedMitigation {
  title: string;
  status: "not_started" | "in_progress" | "completed";
  completionPercent: number;
  dueDate: Date;
  completedAt: Date | null;
}

export function makeRisks(r: Rng, count: number, now: Date): SeedRisk[] {
  return Array.from({ length: count }, (_, i) => {
    const severity = r.pick(SEVERITY_MIX);
    const [lo, hi] = BANDS[severity];
    const likelihood = round(r.between(lo, hi), 2);
    const impact = round(r.between(lo, hi), 2);
    const score = riskScore(likelihood, impact);
    const openedAt = new Date(now.getTime() - r.between(1, 120) * DAY_MS);
    const closed = r.next() < 0.15;
    const closedAt = closed ? new Date(openedAt.getTime() + r.next() * (now.getTime() - openedAt.getTime())) : null;
    return {
      title: `${r.pick(ASSETS)}: ${r.pick(THREATS)} #${i + 1}`,
      description: `Demo risk ${i + 1}, generated for the RiskPulse demo data set.`,
      severity,
      likelihood,
      impact,
      score,
      status: closed ? "closed" : "open",
      openedAt,
      closedAt,
      history: makeHistory(r, score, openedAt, closedAt ?? now, now),
      mitigations: makeMitigations(r, now),
      ...registerFields(i, likelihood, impact, now),
    };
  });
}

/** Score samples from max(opened, 30 days ago) until `end`, drifting toward the current score. */
function makeHistory(r: Rng, finalScore: number, openedAt: Date, end: Date, now: Date) {
  const from = Math.max(openedAt.getTime(), now.getTime() - 30 * DAY_MS);
  const out: { score: number; recordedAt: Date }[] = [];
  let score = Math.min(10, Math.max(0.1, finalScore * r.between(0.6, 1.3)));
  for (let t = from; t < end.getTime(); t += r.between(2, 6) * DAY_MS) {
    out.push({ score: round(score, 4), recordedAt: new Date(t) });
    score += (finalScore - score) * r.between(0.2, 0.6);
  }
  out.push({ score: finalScore, recordedAt: end });
  return out;
}

function makeMitigations(r: Rng, now: Date): SeedMitigation[] {
  return Array.from({ length: r.int(1, 3) }, () => {
    const roll = r.next();
    const status = roll < 0.4 ? "completed" : roll < 0.75 ? "in_progress" : "not_started";
    const dueDate = addDays(now, status === "completed" ? -r.int(1, 30) : r.int(-20, 45));
    return {
      title: r.pick(ACTIONS),
      status,
      completionPercent: status === "completed" ? 100 : status === "in_progress" ? r.int(1, 9) * 10 : 0,
      dueDate,
      completedAt: status === "completed" ? addDays(dueDate, -r.int(0, 5)) : null,
    };
  });
}

/** Average score of the risks open at the end of each of the 30 days before today. */
export function trendDays(risks: SeedRisk[], now: Date): { day: string; averageScore: number; openRisks: number }[] {
  const today = startOfUtcDay(now);
  const out = [];
  for (let i = 30; i >= 1; i--) {
    const end = addDays(today, -i + 1).getTime(); // end of day (today - i)
    let sum = 0,
      n = 0;
    for (const risk of risks) {
      if (risk.openedAt.getTime() >= end || (risk.closedAt && risk.closedAt.getTime() < end)) continue;
      const sample = [...risk.history].reverse().find((h) => h.recordedAt.getTime() < end) ?? risk.history[0];
      sum += sample?.score ?? risk.score;
      n++;
    }
    out.push({ day: utcDay(addDays(today, -i)), averageScore: n ? round(sum / n, 4) : 0, openRisks: n });
  }
  return out;
}
