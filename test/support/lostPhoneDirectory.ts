import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Gwen: one number held twice (mobile and office phone) and another mobile; no app. */
export const GWEN = { email: 'gwen.hall@example.nhs.net', staffId: '200001', mobile: '+447700900301', alternateMobile: '+447700900302' } as const;
/** Hal: only the mobile he lost, and the Authenticator app that was on it. */
export const HAL = { email: 'hal.khan@example.nhs.net', staffId: '200002', mobile: '+447700900401' } as const;
/** Ivy: only the mobile she lost, and a FIDO2 security key. */
export const IVY = { email: 'ivy.lee@example.nhs.net', staffId: '200003', mobile: '+447700900501' } as const;

const people = [
  {
    id: 'lost-gwen',
    email: GWEN.email,
    staffId: GWEN.staffId,
    displayName: 'Gwen Hall',
    methods: { authenticatorApp: false, mobile: GWEN.mobile, alternateMobile: GWEN.alternateMobile, officePhone: GWEN.mobile, fido2: false, smartcard: false },
    defaultMethod: 'mobile',
  },
  {
    id: 'lost-hal',
    email: HAL.email,
    staffId: HAL.staffId,
    displayName: 'Hal Khan',
    methods: { authenticatorApp: true, mobile: HAL.mobile, fido2: false, smartcard: false },
    defaultMethod: 'authenticatorApp',
  },
  {
    id: 'lost-ivy',
    email: IVY.email,
    staffId: IVY.staffId,
    displayName: 'Ivy Lee',
    methods: { authenticatorApp: false, mobile: IVY.mobile, fido2: true, smartcard: false },
    defaultMethod: 'fido2',
  },
];

/** Writes a directory file of the people above; `remove` deletes it. */
export function lostPhoneDirectory(): { readonly file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'lost-phone-directory-'));
  const file = join(dir, 'directory.json');
  writeFileSync(file, JSON.stringify({ people }));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every full number of these people: none may appear in a ticket, a log line or a reply. */
export const FULL_NUMBERS = [GWEN.mobile, GWEN.alternateMobile, HAL.mobile, IVY.mobile];
