"use client";
// The live 5×5 heat map (snapshot section `risk_matrix`): likelihood rows (5 at the top) by impact
// columns, each cell's count a link to the risk list filtered to that cell. A real table with
// row and column headers is its own text alternative; the cells are links, so the keyboard
// reaches every one. Inherent and residual views share the layout; two toggle buttons switch.
import Link from "next/link";
import { useState } from "react";
import type { DashboardSnapshot } from "@/lib/domain/dashboard/snapshot";
import { TREATMENT_COUNT_KEYS as TREATMENT_KEYS } from "@/lib/contract/register";

const BANDS = [1, 2, 3, 4, 5];
const BAND_NAMES = ["very low", "low", "medium", "high", "very high"];
/** The zone a cell sits in, by likelihood band × impact band. */
const zone = (l: number, i: number) => (l * i >= 15 ? "critical" : l * i >= 8 ? "high" : l * i >= 4 ? "medium" : "low");

type View = "inherent" | "residual";

export function HeatMap({ matrix }: { matrix: DashboardSnapshot["risk_matrix"] }) {
  const [view, setView] = useState<View>("inherent");
  const count = (l: number, i: number) => matrix[view].find((c) => c.likelihood === l && c.impact === i)?.count ?? 0;
  const href = (l: number, i: number) =>
    `/risks?status=open&likelihood_band=${l}&impact_band=${i}${view === "residual" ? "&matrix=residual" : ""}`;
  return (
    <div data-testid="heat-map" data-view={view}>
      <div className="toolbar" role="group" aria-label="Heat map view">
        {(["inherent", "residual"] as const).map((v) => (
          <button
            key={v}
            type="button"
            className={v === view ? undefined : "secondary"}
            aria-pressed={v === view}
            onClick={() => setView(v)}
          >
            {v === "inherent" ? "Inherent" : "Residual"}
          </button>
        ))}
      </div>
      <table className="heat-map">
        <caption className="sr-only">
          Open risks by {view} likelihood (rows, highest first) and impact (columns); each count links to those risks.
        </caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">Likelihood \ impact</span>
              <span aria-hidden="true">L \ I</span>
            </th>
            {BANDS.map((i) => (
              <th key={i} scope="col">
                <abbr title={`impact ${BAND_NAMES[i - 1]}`}>{i}</abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...BANDS].reverse().map((l) => (
            <tr key={l}>
              <th scope="row">
                <abbr title={`likelihood ${BAND_NAMES[l - 1]}`}>{l}</abbr>
              </th>
              {BANDS.map((i) => {
                const n = count(l, i);
                return (
                  <td key={i} className={`heat-cell zone-${zone(l, i)}${n === 0 ? " empty-cell" : ""}`} data-cell={`${l}-${i}`}>
                    <Link href={href(l, i)} aria-label={`likelihood ${l}, impact ${i}: ${n} ${n === 1 ? "risk" : "risks"}`}>
                      {n}
                    </Link>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TreatmentSummary({
  treatments,
  reviews,
}: {
  treatments: DashboardSnapshot["risks_by_treatment"];
  reviews: DashboardSnapshot["review_status"];
}) {
  return (
    <dl className="facts" data-testid="treatment-summary">
      {TREATMENT_KEYS.map((k) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd data-testid={`treatment-${k}`}>
            <Link href={`/risks?status=open&treatment=${k}`}>{treatments[k]}</Link>
          </dd>
        </div>
      ))}
      <div>
        <dt>reviews overdue</dt>
        <dd data-testid="reviews-overdue">
          <Link href="/risks?status=open&review=overdue">{reviews.overdue}</Link>
        </dd>
      </div>
    </dl>
  );
}
