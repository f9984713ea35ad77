import { currentPrincipal } from "@/lib/http/page-auth";
import { getContext } from "@/lib/context";
import { AppHeader } from "@/components/shell/app-header";
import { PeopleProvider } from "@/components/owners/people";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  // Each page guards itself (it knows its own path for the return trip after sign-in).
  const me = await currentPrincipal();
  if (!me) return <>{children}</>;
  const people = await getContext().users.people();
  return (
    <PeopleProvider people={people} meId={me.userId}>
      <AppHeader me={me} />
      <main>{children}</main>
    </PeopleProvider>
  );
}
