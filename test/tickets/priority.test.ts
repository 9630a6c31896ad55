import { ticketPriority, type PriorityInput, type TicketPriority } from '../../src/tickets';

const lost = (otherMethodAvailable: boolean, canWork: boolean): PriorityInput => ({
  type: 'lost_device',
  details: { otherMethodAvailable, canWork, temporaryAccessPass: otherMethodAvailable ? { requested: false } : { requested: true, secondCheck: { status: 'pending' } }, actionsNeeded: [] },
});
const prompt = (anyApproved: boolean): PriorityInput => ({ type: 'suspicious_prompt', details: { anyApproved, passwordReset: false } });

describe('ticketPriority', () => {
  it.each<[string, PriorityInput, TicketPriority]>([
    ['suspicious prompt, one approved', prompt(true), 'P1'],
    ['suspicious prompt, none approved', prompt(false), 'P2'],
    ['suspicious prompt, none approved, account compromised', { ...prompt(false), accountCompromised: true }, 'P1'],
    ['lost device, no other method, cannot work', lost(false, false), 'P2'],
    ['lost device, no other method, can work', lost(false, true), 'P3'],
    ['lost device, other method, cannot work', lost(true, false), 'P3'],
    ['lost device, other method, can work', lost(true, true), 'P3'],
    ['lost device, account compromised', { ...lost(true, true), accountCompromised: true }, 'P1'],
    ['change of method', { type: 'change_method', details: {} }, 'P3'],
    ['new device', { type: 'new_device', details: { oldDeviceAvailable: true, actionsNeeded: [] } }, 'P3'],
    [
      'exception request',
      {
        type: 'exception_request',
        details: { reasonCategory: 'x', justification: 'y', duration: '1 week', lineManagerEmail: 'm@example.org', needsLocalAdminApproval: true },
      },
      'P3',
    ],
    ['a question (other, no action)', { type: 'other', details: { actionRequested: false } }, 'P4'],
    ['other with an action', { type: 'other', details: { actionRequested: true } }, 'P3'],
    ['a question from a compromised account', { type: 'other', details: { actionRequested: false }, accountCompromised: true }, 'P1'],
    ['compromised flag explicitly false', { ...prompt(false), accountCompromised: false }, 'P2'],
  ])('%s → %s', (_name, input, expected) => {
    expect(ticketPriority(input)).toBe(expected);
  });
});
