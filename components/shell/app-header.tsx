// The console's top bar (brand, navigation, live status, who is signed in), shared by the console
// layout and the pages that render outside it (the 404 of an unknown URL).
import Link from "next/link";
import type { Principal } from "@/lib/auth/principal";
import { getContext } from "@/lib/context";
import { ConnectionStatus } from "@/components/live/connection-status";
import { Nav } from "@/components/shell/nav";
import { NotificationBell } from "@/components/shell/notification-bell";
import { SignOutButton } from "@/components/shell/sign-out";

export function AppHeader({ me, unread = 0 }: { me: Principal; unread?: number }) {
  return (
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
      <NotificationBell initialUnread={unread} />
      <Link className="who" data-testid="who" href="/account" title="Your account">
        <b>{me.name}</b> · {me.role}
      </Link>
      <SignOutButton />
    </header>
  );
}
