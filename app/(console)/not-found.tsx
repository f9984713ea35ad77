// A console page asked for something that does not exist (notFound()): shown inside the console
// layout, under its header.
import { ProblemPage } from "@/components/shell/problem-page";

export default function ConsoleNotFound() {
  return (
    <ProblemPage title="Not found" links={[{ href: "/dashboard", label: "Go to the dashboard" }]}>
      What this page shows does not exist, or no longer does.
    </ProblemPage>
  );
}
