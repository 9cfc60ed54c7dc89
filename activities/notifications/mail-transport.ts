import nodemailer from 'nodemailer';

/** One email to one address. */
export interface OutgoingEmail {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  locale: string;
}

/** Where emails leave the system: an SMTP server. */
export interface MailTransport {
  /** Resolves once the server accepted the message; rejects with the server's answer otherwise. */
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

/** A refusal the server means for good (a 5xx reply: no such mailbox, policy): another attempt would get the same. */
export const isPermanentSmtpRefusal = (error: unknown): boolean => {
  const code = (error as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
};

/**
 * nodemailer over SMTP (`smtp://user:pass@host:port`, `smtps://` for implicit TLS), pooled. The
 * envelope names the one recipient explicitly, so no header, however it was written, adds another.
 */
export function createSmtpTransport(smtpUrl: string, { timeoutMs = 15_000 }: { timeoutMs?: number } = {}): MailTransport {
  const url = new URL(smtpUrl);
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: Number(url.port) || (url.protocol === 'smtps:' ? 465 : 587),
    secure: url.protocol === 'smtps:',
    ...(url.username && { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
    pool: true,
    maxConnections: 4,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 2,
  });
  return {
    async send(email) {
      const sender = addressOf(email.from);
      await transporter.sendMail({
        messageId: email.messageId,
        from: email.from,
        to: { name: '', address: email.to },
        envelope: { from: sender, to: [email.to] },
        subject: email.subject,
        text: email.text,
        html: email.html,
        headers: { 'Content-Language': email.locale, 'Auto-Submitted': 'auto-generated' },
        disableFileAccess: true,
        disableUrlAccess: true,
      });
    },
    close: () => transporter.close(),
  };
}

/** `Name <a@b.c>` or `a@b.c` → `a@b.c`. */
export const addressOf = (mailbox: string): string => /<([^<>]+)>\s*$/.exec(mailbox)?.[1] ?? mailbox.trim();
