// A risk that does not exist (never did, or was deleted since the link was made).
import { ProblemPage } from "@/components/shell/problem-page";

export default function RiskNotFound() {
  return (
    <ProblemPage title="Risk not found" links={[{ href: "/risks", label: "Back to the risks" }]}>
      This risk does not exist. It may have been deleted since the link to it was made.
    </ProblemPage>
  );
}
