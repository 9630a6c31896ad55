/** Words for the values the API uses, so nothing is said by colour alone. */

export const TYPE_LABELS = {
  lost_device: 'Lost phone',
  change_method: 'Change method',
  new_device: 'New device',
  suspicious_prompt: 'Suspicious prompt',
  exception_request: 'Exception request',
  other: 'Other',
};

export const STATUS_LABELS = { open: 'Open', claimed: 'Claimed', resolved: 'Resolved', cancelled: 'Cancelled' };

export const PRIORITY_ORDER = { P1: 1, P2: 2, P3: 3, P4: 4 };

const METHOD_WORDS = { sms: 'SMS', voice: 'voice call', callback: 'call-back' };

export function typeLabel(type) {
  return TYPE_LABELS[type] || type;
}

export function statusLabel(ticket) {
  if (ticket.status === 'claimed') return `Claimed by ${ticket.assignee || 'an agent'}`;
  if (ticket.status === 'resolved') return `Resolved${ticket.assignee ? ` by ${ticket.assignee}` : ''}`;
  return STATUS_LABELS[ticket.status] || ticket.status;
}

/** The verification badge in words: how identity was proven, or that it was NOT. */
export function verificationBadge(evidence) {
  if (!evidence || !evidence.verified) {
    return { verified: false, short: 'NOT verified', long: `Identity NOT verified${evidence && evidence.reason ? `: ${evidence.reason}` : ''}` };
  }
  const method = METHOD_WORDS[evidence.method] || evidence.method;
  const digits = String(evidence.destinationMasked || '').replace(/\D/g, '').slice(-3);
  const ending = digits ? ` to the number ending ${digits}` : '';
  return { verified: true, short: `Verified by ${method}`, long: `Verified by ${method}${ending}` };
}

export function requesterLine(requester) {
  if (!requester) return 'unknown';
  const { name, email, staffId, claimed } = requester;
  if (claimed) return `Claimed, not verified: "${claimed}"`;
  if (name && email) return `${name} (${email})`;
  return name || email || (staffId ? `staff id ${staffId}` : 'unknown');
}

const ACTION_WORDS = {
  created: 'opened the ticket',
  claimed: 'claimed it',
  note_added: 'added a note',
  resolved: 'resolved it',
  cancelled: 'cancelled it',
  person_not_notified: 'could not notify the person',
  chat_started: 'started a live chat',
  chat_ended: 'ended the live chat',
  handoff_status: 'reported a hand-off status',
  callback_started: 'placed a call-back',
  callback_verified: 'recorded the call-back',
  callback_denied: 'recorded the call-back',
  callback_no_answer: 'recorded the call-back',
  caller_verified: 'recorded a call about the ticket',
  second_check_recorded: 'recorded the second check',
  alarm_repeated: 'merged a repeated report',
};

const CALLBACK_WORDS = {
  callback_started: 'Calling the number on record…',
  callback_verified: 'Verified: the person on the number on record pressed # to confirm the request.',
  callback_denied: 'DENIED: the person on the number on record pressed 9, they did not ask for help. Do not act on this ticket.',
  callback_no_answer: 'No answer: nothing was confirmed.',
};

/** The latest call-back on a ticket, in words, or `undefined` when there was none. */
export function callbackLine(history) {
  const last = [...(history || [])].reverse().find((h) => h.action in CALLBACK_WORDS);
  return last ? CALLBACK_WORDS[last.action] : undefined;
}

export function historyLine(entry) {
  return `${entry.by} ${ACTION_WORDS[entry.action] || entry.action}${entry.note ? `: ${entry.note}` : ''}`;
}

const SPEAKERS = { user: 'Person', bot: 'Bot', agent: 'Agent' };

export function speakerLabel(from) {
  return SPEAKERS[from] || from;
}

/** How long ago, in words: "3 min", "2 h 5 min", "4 days". */
export function age(iso, now = Date.now()) {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60000));
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

export function dateTime(iso) {
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

const PHONE_WORDS = { mobile: 'mobile', alternateMobile: 'other mobile', officePhone: 'office phone' };
const OTHER_METHOD_WORDS = { ...PHONE_WORDS, authenticatorApp: 'Authenticator app', fido2: 'security key', smartcard: 'smartcard' };
const SECOND_CHECK_WORDS = { callback: 'call-back', line_manager: "line manager's confirmation" };

function phoneWords(phone) {
  const digits = String(phone.numberMasked || '').replace(/\D/g, '').slice(-3);
  return `${PHONE_WORDS[phone.method] || 'number'} ending ${digits}`;
}

/**
 * A lost-device ticket's rows: the lost phone and the proving number (masked), and whether a
 * Temporary Access Pass is requested with the state of its second check. Empty for other tickets.
 */
export function lostDeviceFacts(ticket) {
  if (!ticket || ticket.type !== 'lost_device' || !ticket.details) return [];
  const d = ticket.details;
  const tap = d.temporaryAccessPass;
  const others = d.otherMethods && d.otherMethods.length ? ` (${d.otherMethods.map((m) => OTHER_METHOD_WORDS[m] || m).join(', ')})` : '';
  let pass = 'Not recorded on this ticket (opened before the bot asked which phone was lost)';
  if (tap && !tap.requested) pass = `Not needed: another method is registered${others}. Remove the lost phone only.`;
  else if (tap && tap.secondCheck && tap.secondCheck.status === 'pending') pass = "Requested. Second check PENDING: record a call-back or the line manager's confirmation before issuing it.";
  else if (tap && tap.secondCheck) {
    const c = tap.secondCheck;
    pass = `Requested. Second check recorded: ${SECOND_CHECK_WORDS[c.method] || c.method} by ${c.by}, ${dateTime(c.at)} (${c.note}).`;
  }
  return [
    ['Lost phone', d.lostPhone ? phoneWords(d.lostPhone) : 'Not known: ask which phone was lost'],
    ['Proved by', d.provingPhone ? phoneWords(d.provingPhone) : 'No number on record proved it'],
    ['Temporary Access Pass', pass],
  ];
}

/** Whether a ticket's Temporary Access Pass waits for its second check. */
export function secondCheckPending(ticket) {
  const tap = ticket && ticket.type === 'lost_device' && ticket.details ? ticket.details.temporaryAccessPass : undefined;
  return Boolean(tap && tap.requested && tap.secondCheck && tap.secondCheck.status === 'pending');
}
