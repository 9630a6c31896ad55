import { commandRoute } from '../../dialogs/mainRouting';
import { MENU_OPTIONS } from '../../dialogs/menu';
import { CommandRecognizer, loadCommands, recognizeCommand } from '../../src/knowledge/commands';
import { extractEntities } from '../../src/knowledge/entities';
import { isEmailAddress, looksLikePhoneNumber, parseIdentifier } from '../../src/knowledge/identifiers';
import { KnowledgeBaseError } from '../../src/knowledge/knowledgeBase';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('commands', () => {
  it.each([
    ['cancel', 'cancel'],
    ['Never mind.', 'cancel'],
    ['start over', 'startOver'],
    ['Main menu', 'startOver'],
    ['help', 'help'],
    ['I want to talk to a person', 'person'],
    ['can I speak to the helpdesk please', 'person'],
    ['a real human', 'person'],
    ['agent', 'person'],
  ])('"%s" is %s at every step', (text, intent) => expect(recognizeCommand(text, ['anywhere'])).toBe(intent));

  it.each(['I lost my phone', 'how do I cancel MFA', 'what is the helpdesk number', 'help me set up the app'])('"%s" is not a global command', (text) =>
    expect(recognizeCommand(text, ['anywhere'])).toBeUndefined(),
  );

  it.each(['verify me', 'Verify me please', "check it's me", 'prove it’s me', 'can you confirm it is me?', 'prove who I am', 'verify my identity', 'verify'])(
    '"%s" asks to be verified',
    (text) => expect(recognizeCommand(text, ['top'])).toBe('verifyMe'),
  );
  it.each(['verify my phone number', 'how do I check my MFA methods', 'I lost my phone', 'who am I talking to'])('"%s" does not ask to be verified', (text) =>
    expect(recognizeCommand(text, ['top'])).not.toBe('verifyMe'),
  );

  it.each([
    ["what's the status of my ticket", { action: 'status', ticketId: undefined }],
    ['any update on MFA-000123?', { action: 'status', ticketId: 'MFA-000123' }],
    ['show my tickets', { action: 'status', ticketId: undefined }],
    ['please cancel my ticket mfa-000042', { action: 'cancel', ticketId: 'MFA-000042' }],
    ['I lost my phone', undefined],
  ])('"%s" about tickets starts %p', (text, expected) => {
    const intent = recognizeCommand(text, ['top']);
    const route = intent ? commandRoute(intent, extractEntities(text)) : undefined;
    expect(route?.kind === 'dialog' ? route.start.options : undefined).toEqual(expected);
  });

  it('knows every menu title as its topic', () => {
    for (const option of MENU_OPTIONS) expect(recognizeCommand(option.title)).toBe(option.id === 'person' ? 'person' : `topic.${option.id}`);
  });

  it('reads code-prompt requests only at the code prompt', () => {
    expect(recognizeCommand('Send a new code', ['codePrompt'])).toBe('resendCode');
    expect(recognizeCommand("I didn't get it", ['codePrompt'])).toBe('resendCode');
    expect(recognizeCommand('call me instead', ['codePrompt'])).toBe('callInstead');
    expect(recognizeCommand('Text me instead', ['codePrompt'])).toBe('textInstead');
    expect(recognizeCommand('123 456', ['codePrompt'])).toBeUndefined();
    expect(recognizeCommand('call me instead', ['anywhere', 'top'])).toBeUndefined();
  });

  it('reads yes and no as replies', () => {
    expect(recognizeCommand('Yeah', ['reply'])).toBe('yes');
    expect(recognizeCommand('nope', ['reply'])).toBe('no');
    expect(recognizeCommand('what about texts?', ['reply'])).toBeUndefined();
  });

  it('refuses a content file with an unknown intent or a broken pattern', () => {
    const dir = mkdtempSync(join(tmpdir(), 'commands-'));
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify([{ intent: 'dance', scope: 'top', phrases: ['dance'], patterns: [] }]));
    expect(() => loadCommands(unknown)).toThrow(KnowledgeBaseError);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify([{ intent: 'help', scope: 'anywhere', phrases: [], patterns: ['(unclosed'] }]));
    expect(() => loadCommands(broken)).toThrow(/valid regular expression/);
  });

  it('puts whole-message phrases before patterns', () => {
    const r = new CommandRecognizer([
      { intent: 'person', scope: 'anywhere', phrases: [], patterns: ['help'] },
      { intent: 'help', scope: 'anywhere', phrases: ['help'], patterns: [] },
    ]);
    expect(r.recognize('Help!')).toEqual({ intent: 'help', scope: 'anywhere', score: 1 });
    expect(r.recognize('I need help now')).toEqual({ intent: 'person', scope: 'anywhere', score: 0.9 });
  });
});

describe('identifiers', () => {
  it('tell phone numbers from codes and staff ids', () => {
    for (const text of ['07700 900999', '+447700900999', 'send it to (07700) 900-999', '+1 202 555 0100']) expect(looksLikePhoneNumber(text)).toBe(true);
    for (const text of ['123 456', '123456', '100002', '12345678', 'alice.smith@example.nhs.net']) expect(looksLikePhoneNumber(text)).toBe(false);
  });

  it('read emails and staff ids', () => {
    expect(parseIdentifier('It is Alice.Smith@Example.nhs.net.')).toEqual({ by: 'email', value: 'alice.smith@example.nhs.net' });
    expect(parseIdentifier('100 002#')).toEqual({ by: 'staffId', value: '100002' });
    expect(parseIdentifier('staff id AB-1234')).toEqual({ by: 'staffId', value: 'AB-1234' });
    expect(parseIdentifier('yes')).toBeUndefined();
  });

  it('check a whole email address', () => {
    expect(isEmailAddress(' jo.bloggs@example.nhs.net ')).toBe(true);
    expect(isEmailAddress('jo at example')).toBe(false);
    expect(isEmailAddress(`${'a'.repeat(320)}@example.net`)).toBe(false);
  });
});
