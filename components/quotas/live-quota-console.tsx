"use client";
import { useQuotaConsole, type QuotaConsoleInitial } from "@/hooks/use-quota-console";
import Link from "next/link";
import { AlertToasts } from "./alert-toasts";
import { AlertRuleEditor } from "./alert-rule-editor";
import { QuotaEditor } from "./quota-editor";
import { OpenAlerts, UsageTable, ViolationFeed } from "./feeds";
import { LoadChart } from "./load-chart";
import { StatsCards } from "./stats-cards";
import { Freshness } from "../live/freshness";
import { SessionEnded } from "../live/session-ended";

export function LiveQuotaConsole({ initial }: { initial: QuotaConsoleInitial }) {
  const c = useQuotaConsole(initial);
  return (
    <>
      <div className="page-head">
        <h1>Quota console</h1>
        <div className="page-actions">
          <Freshness updatedAt={c.updatedAt} aliveAt={c.aliveAt} state={c.state} />
        </div>
      </div>
      <SessionEnded code={c.ended} path="/admin/quotas" />
      {c.error && c.state !== "offline" && <div className="notice">{c.error}</div>}
      <div className="grid">
        <StatsCards s={c.stats} />
        <div className="grid two">
          <section className="panel">
            <h2>System load</h2>
            <LoadChart data={c.history} />
          </section>
          <section className="panel">
            <div className="panel-head">
              <h2>Open alerts</h2>
              <Link href="/admin/alerts">Alert history →</Link>
            </div>
            <OpenAlerts items={c.alerts} onAck={c.acknowledge} />
          </section>
        </div>
        <div className="grid two">
          <section className="panel">
            <div className="panel-head">
              <h2>Violations</h2>
              <Link href="/admin/violations">All violations →</Link>
            </div>
            <ViolationFeed items={c.violations} />
          </section>
          <section className="panel">
            <h2>Users nearest their limits</h2>
            <UsageTable rows={c.usage} />
          </section>
        </div>
        <section className="panel">
          <h2>Quotas</h2>
          <QuotaEditor />
        </section>
        <section className="panel">
          <h2>Alert rules</h2>
          <AlertRuleEditor />
        </section>
      </div>
      <AlertToasts toasts={c.toasts} onAck={c.acknowledge} onDismiss={c.dismiss} />
    </>
  );
}
