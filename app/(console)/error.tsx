"use client";
// A console page failed to render: the console header stays, the page's place says so.
import { ErrorPage } from "@/components/shell/error-page";

export default function ConsoleError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorPage error={error} retry={retry} home={{ href: "/dashboard", label: "Go to the dashboard" }} />;
}
