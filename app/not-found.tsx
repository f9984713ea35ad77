// The 404 page of a URL no route serves. A signed-in visitor still gets the console's header, so
// the way on is the usual navigation; anyone else is offered the sign-in page.
import type { Metadata } from "next";
import { currentPrincipal } from "@/lib/http/page-auth";
import { AppHeader } from "@/components/shell/app-header";
import { ProblemPage } from "@/components/shell/problem-page";

export const metadata: Metadata = { title: "Page not found · RiskPulse" };

export default async function NotFound() {
  const me = await currentPrincipal();
  return (
    <>
      {me && <AppHeader me={me} />}
      <main>
        <ProblemPage
          title="Page not found"
          links={me ? [{ href: "/dashboard", label: "Go to the dashboard" }] : [{ href: "/login", label: "Sign in" }]}
        >
          There is no page at this address. The link may be mistyped, or point to something that no longer exists.
        </ProblemPage>
      </main>
    </>
  );
}
