"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

export function Nav({ admin }: { admin: boolean }) {
  const path = usePathname();
  const links = [
    { href: "/dashboard", label: "Dashboard" },
    { href: "/risks", label: "Risks" },
    ...(admin
      ? [
          { href: "/admin/quotas", label: "Quotas" },
          { href: "/admin/users", label: "Users" },
          { href: "/admin/tokens", label: "API tokens" },
          { href: "/admin/audit", label: "Audit" },
        ]
      : []),
  ];
  return (
    <nav className="nav">
      {links.map((l) => (
        <Link
          key={l.href}
          href={l.href}
          className={path.startsWith(l.href) ? "active" : undefined}
          aria-current={path.startsWith(l.href) ? "page" : undefined}
        >
          {l.label}
        </Link>
      ))}
    </nav>
  );
}
