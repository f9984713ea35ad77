"use client";
// A page outside the console (sign-in) failed to render.
import { ErrorPage } from "@/components/shell/error-page";

export default function RootError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <main>
      <ErrorPage error={error} retry={retry} home={{ href: "/dashboard", label: "Go to the dashboard" }} />
    </main>
  );
}
