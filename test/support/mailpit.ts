import { createServer, type AddressInfo } from 'node:net';

/**
 * The shared test stack's Mailpit, read through its HTTP API. Every suite on the machine sends to
 * it: read only your own recipients' messages, never assume it is empty, delete only your own.
 */
export interface MailpitAddress {
  Name: string;
  Address: string;
}

export interface MailpitSummary {
  ID: string;
  MessageID: string;
  From: MailpitAddress;
  To: MailpitAddress[];
  Cc: MailpitAddress[] | null;
  Bcc: MailpitAddress[] | null;
  Subject: string;
}

export interface MailpitMessage extends MailpitSummary {
  Text: string;
  HTML: string;
}

export function mailpitUrl(): string {
  const url = process.env.MAILPIT_URL;
  if (!url) throw new Error('MAILPIT_URL must name the test stack\'s Mailpit (scripts/stack.sh env exports it)');
  return url;
}

async function mailpit<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`${mailpitUrl()}/api/v1/${path}`, init);
  if (!response.ok) throw new Error(`Mailpit ${init?.method ?? 'GET'} ${path}: ${response.status} ${await response.text()}`);
  return (response.headers.get('content-type')?.includes('json') ? response.json() : response.text()) as Promise<T>;
}

/** Every message any envelope or header sent to this address (To, Cc or Bcc). */
export async function messagesTo(address: string): Promise<MailpitSummary[]> {
  const { messages } = await mailpit<{ messages: MailpitSummary[] }>(`search?query=${encodeURIComponent(`addressed:"${address}"`)}&limit=200`);
  // Mailpit's search matches parts of addresses; only this exact one counts.
  const lower = address.toLowerCase();
  return messages.filter((m) => [...m.To, ...(m.Cc ?? []), ...(m.Bcc ?? [])].some((a) => a.Address.toLowerCase() === lower));
}

export const readMessage = (id: string): Promise<MailpitMessage> => mailpit<MailpitMessage>(`message/${id}`);

/** Deletes these messages only: other suites' messages stay. */
export async function deleteMessages(ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await mailpit('messages', { method: 'DELETE', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ IDs: ids }) });
}

/** A port nothing listens on: an SMTP server that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
