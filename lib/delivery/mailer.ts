// The SMTP side of the outbox: one nodemailer transport from SMTP_URL (smtp:// or smtps://,
// credentials in the URL), with connect, greeting and socket timeouts so an unreachable mail
// server fails the attempt (retried through the outbox) instead of hanging it.
import "server-only";
import nodemailer from "nodemailer";

export interface Mailer {
  send(mail: { to: string; subject: string; text: string; deliveryId: string }): Promise<void>;
  close(): void;
}

export function createMailer(url: string, from: string, timeoutMs: number): Mailer {
  const transport = nodemailer.createTransport(url, {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  } as nodemailer.TransportOptions);
  return {
    async send(m) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, headers: { "X-RiskPulse-Delivery": m.deliveryId } });
    },
    close: () => transport.close(),
  };
}
