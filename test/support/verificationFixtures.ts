import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../src/audit/auditLog';
import type { Clock } from '../../src/clock';
import type { Person } from '../../src/directory/directory';
import { createLogger, type Logger } from '../../src/logger';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import type { CodeMessage, CodeSender, NoticeSender, SecurityNotice, SendResult } from '../../src/verification/codeSender';
import { VerificationService, type VerificationServiceOptions } from '../../src/verification/verificationService';

/** A clock moved by hand. */
export class ManualClock implements Clock {
  constructor(public current: number = Date.UTC(2025, 0, 15, 9, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** A sender that records what it was asked to send (codes and notices) and can be told to fail. */
export class RecordingSender implements CodeSender, NoticeSender {
  readonly sent: CodeMessage[] = [];
  readonly notices: SecurityNotice[] = [];
  next: SendResult | undefined;
  sendNotice(notice: SecurityNotice): Promise<SendResult> {
    this.notices.push(notice);
    return Promise.resolve({ ok: true, messageId: `notice-${this.notices.length}` });
  }
  send(message: CodeMessage): Promise<SendResult> {
    this.sent.push(message);
    const result = this.next ?? { ok: true, messageId: `msg-${this.sent.length}` };
    this.next = undefined;
    return Promise.resolve(result);
  }
  lastCode(): string {
    const last = this.sent[this.sent.length - 1];
    if (!last) throw new Error('nothing sent');
    return last.code;
  }
}

/** A pino logger whose output lines are kept for inspection. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines };
}

/** A temp dir removed by the returned function. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mfa-verify-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const SECRET = Buffer.from('test-verification-secret-0123456789abcdef', 'utf8');

export const ALICE: Person = {
  id: '5b2f7c1e-3a4d-4e8f-9b10-0a1b2c3d4e01',
  email: 'alice.smith@example.nhs.net',
  staffId: '100001',
  objectId: '5b2f7c1e-3a4d-4e8f-9b10-0a1b2c3d4e01',
  displayName: 'Alice Smith',
  methods: {
    authenticatorApp: true,
    mobile: '+447700900101',
    alternateMobile: '+447700900102',
    officePhone: '+441632960101',
    fido2: false,
    smartcard: false,
  },
  defaultMethod: 'authenticatorApp',
  guest: false,
  compromised: false,
};

export const BOB: Person = {
  id: '5b2f7c1e-3a4d-4e8f-9b10-0a1b2c3d4e02',
  email: 'bob.jones@example.nhs.net',
  staffId: '100002',
  displayName: 'Bob Jones',
  methods: { authenticatorApp: false, mobile: '+447700900201', fido2: false, smartcard: false },
  defaultMethod: 'mobile',
  guest: false,
  compromised: false,
};

/** A person with a given id sharing a number with others (for per-destination limits). */
export function personWithNumber(id: string, mobile: string): Person {
  return { ...BOB, id, email: `${id}@example.nhs.net`, staffId: id, methods: { ...BOB.methods, mobile } };
}

/** The service wired to a real SQLite store, an audit log and a recording sender. */
export interface Harness {
  readonly store: SqliteDocumentStore;
  readonly clock: ManualClock;
  readonly sender: RecordingSender;
  readonly audit: AuditLog;
  readonly service: VerificationService;
  readonly lines: string[];
}

export function harness(options: { filename?: string; clock?: ManualClock; overrides?: Partial<VerificationServiceOptions> } = {}): Harness {
  const store = options.overrides?.store instanceof SqliteDocumentStore ? options.overrides.store : new SqliteDocumentStore({ filename: options.filename ?? ':memory:' });
  const clock = options.clock ?? new ManualClock();
  const sender = new RecordingSender();
  const audit = new AuditLog(store, clock);
  const { logger, lines } = capturingLogger();
  const service = new VerificationService({ store, sender, notices: sender, audit, clock, secret: SECRET, logger, ...options.overrides });
  return { store, clock, sender, audit, service, lines };
}

/** A code that is not `code` (same length). */
export function wrongCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

/**
 * Whether `code` occurs in `haystack` as a number of its own (not inside a longer run of
 * digits such as a timestamp), which is how a stored or logged code would appear.
 */
export function containsCode(haystack: string | Buffer, code: string): boolean {
  const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1');
  return new RegExp(`(?<!\\d)${code}(?!\\d)`).test(text);
}
