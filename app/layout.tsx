import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "RiskPulse",
  description: "Live risk dashboard and quota console",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
