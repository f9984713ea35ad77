// What a page shows instead of its content when there is nothing to show (404) or it failed to
// load: a heading saying so, a sentence why, and the ways on (links back, a retry button).
import Link from "next/link";

export function ProblemPage({
  title,
  children,
  links,
  action,
}: {
  title: string;
  children: React.ReactNode;
  links: { href: string; label: string }[];
  action?: React.ReactNode;
}) {
  return (
    <section className="panel problem" aria-labelledby="problem-title" data-testid="problem-page">
      <h1 id="problem-title">{title}</h1>
      <p>{children}</p>
      <div className="problem-actions">
        {action}
        {links.map((l) => (
          <Link key={l.href} href={l.href}>
            {l.label}
          </Link>
        ))}
      </div>
    </section>
  );
}
