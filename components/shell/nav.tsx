"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

export function Nav({ admin }: { admin: boolean }) {
  const path = usePathname();
  const links: { href: string; label: string; also?: string }[] = [
    { href: "/dashboard", label: "Dashboard" },
    { href: "/my-work", label: "My work" },
    { href: "/risks", label: "Risks" },
    { href: "/mitigations", label: "Mitigations" },
    ...(admin
      ? [
          { href: "/admin/quotas", label: "Quotas" },
          { href: "/admin/acceptances", label: "Acceptances" },
          { href: "/admin/violations", label: "History", also: "/admin/alerts" },
          { href: "/admin/users", label: "Users" },
          { href: "/admin/webhooks", label: "Webhooks" },
          { href: "/admin/tokens", label: "API tokens" },
          { href: "/admin/audit", label: "Audit" },
        ]
      : []),
  ];
  return (
    <nav className="nav" aria-label="Main">
      {links.map((l) => {
        const here = path.startsWith(l.href) || (!!l.also && path.startsWith(l.also));
        return (
          <Link key={l.href} href={l.href} className={here ? "active" : undefined} aria-current={here ? "page" : undefined}>
            {l.label}
          </Link>
        );
      })}
    </nav>
  );
}
