import Link from "next/link";
import { currentPrincipal } from "@/lib/auth/page";
import { getContext } from "@/lib/context";
import { ConnectionStatus } from "@/components/live/connection-status";
import { Nav } from "@/components/shell/nav";
import { SignOutButton } from "@/components/shell/sign-out";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  // Each page guards itself (it knows its own path for the return trip after sign-in).
  const me = await currentPrincipal();
  if (!me) return <>{children}</>;
  return (
    <>
      <header className="topbar">
        <div className="brand">
          Risk<span>Pulse</span>
        </div>
        <Nav admin={me.role === "admin"} />
        <div className="spacer" />
        {getContext().demoTraffic && (
          <span
            className="pill pill-demo"
            data-testid="demo-traffic"
            title="Simulated users are editing risks and running commands (DEMO_TRAFFIC=0 turns this off)"
          >
            demo traffic
          </span>
        )}
        <ConnectionStatus />
        <Link className="who" data-testid="who" href="/account" title="Your account">
          <b>{me.name}</b> · {me.role}
        </Link>
        <SignOutButton />
      </header>
      <main>{children}</main>
    </>
  );
}
