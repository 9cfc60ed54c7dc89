import type { EmailConfig } from '../../platform/config';
import { createSmtpTransport } from './mail-transport';
import type { EmailSender } from './send-due-emails';

/** The sender the configuration describes: an SMTP transport when SMTP_URL is set, none otherwise. */
export function createEmailSender({ smtpUrl, ...settings }: EmailConfig): EmailSender {
  return { ...settings, ...(smtpUrl && { transport: createSmtpTransport(smtpUrl) }) };
}
