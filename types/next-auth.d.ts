import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface User {
    sid?: string;
  }
  interface Session {
    user: { id: number; name: string; email: string };
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    uid?: number;
    /** The server-side session row this cookie belongs to. */
    sid?: string;
  }
}
