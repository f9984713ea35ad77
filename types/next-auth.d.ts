import "next-auth";
import "next-auth/jwt";
import type { Role } from "@/lib/auth/principal";

declare module "next-auth" {
  interface User {
    role: Role;
  }
  interface Session {
    user: { id: number; role: Role; name: string; email: string };
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    uid?: number;
    role?: Role;
  }
}
