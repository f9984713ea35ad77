import type { ReactNode } from "react";

export interface Card {
  key: string;
  label: string;
  value: string;
  sub?: ReactNode;
}

/** A row of figure cards; each value carries data-testid="<prefix>-<key>". */
export function CardGrid({ cards, label, testIdPrefix }: { cards: Card[]; label: string; testIdPrefix: string }) {
  return (
    <section className="grid cards" aria-label={label}>
      {cards.map((c) => (
        <div className="panel card" key={c.key}>
          <div className="label">{c.label}</div>
          <div className="value" data-testid={`${testIdPrefix}-${c.key}`}>
            {c.value}
          </div>
          {c.sub && <div className="sub">{c.sub}</div>}
        </div>
      ))}
    </section>
  );
}
