import { currentPrincipal } from "@/lib/http/page-auth";
import { AppHeader } from "@/components/shell/app-header";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  // Each page guards itself (it knows its own path for the return trip after sign-in).
  const me = await currentPrincipal();
  if (!me) return <>{children}</>;
  return (
    <>
      <AppHeader me={me} />
      <main>{children}</main>
    </>
  );
}
