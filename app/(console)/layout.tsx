import { currentPrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { AppHeader } from "@/components/shell/app-header";
import { PeopleProvider } from "@/components/owners/people";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  // Each page guards itself (it knows its own path for the return trip after sign-in).
  const me = await currentPrincipal();
  if (!me) return <>{children}</>;
  const app = getContext();
  const [people, unread] = await Promise.all([app.users.people(), app.notifications.unread(me.userId)]);
  return (
    <PeopleProvider people={people} meId={me.userId}>
      <AppHeader me={me} unread={unread} />
      <main>{children}</main>
    </PeopleProvider>
  );
}
