import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: "RiskPulse",
  description: "Live risk dashboard and quota console",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request, the 404 page included: each response carries its own
  // CSP nonce (proxy.ts), and a page prerendered at build time would have none for its scripts.
  await connection();
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
