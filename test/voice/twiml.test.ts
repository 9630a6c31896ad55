import { mustNotBeInterrupted, renderTwiml, spokenText } from '../../src/channels/voice/twiml';
import { find, parseTwiml, saysOf, verbsOf } from '../support/voiceCaller';

describe('spokenText', () => {
  it.each([
    ['Your ticket is **MFA-000123**.', 'Your ticket is M F A, 0 0 0, 1 2 3.'],
    ['Call +447700900123 now', 'Call plus 4 4 7, 7 0 0, 9 0 0, 1 2 3 now'],
    ['Staff ID 100001 found', 'Staff ID 1 0 0, 0 0 1 found'],
    ['See [the guide](https://example.org/guide) for more', 'See the guide for more'],
    ['Go to https://example.org/x now', 'Go to the web page linked in the chat now'],
    ['<speak>Hello <break time="1s"/> there</speak>', 'Hello there'],
    ['It works for 5 minutes, press 1 or say Yes', 'It works for 5 minutes, press 1 or say Yes'],
  ])('%s → %s', (input, expected) => {
    expect(spokenText(input)).toBe(expected);
  });

  it('never reads card JSON', () => {
    expect(spokenText('Here {"type":"AdaptiveCard","body":[{"type":"TextBlock","text":"x"}]} done')).toBe('Here done');
  });

  it('knows what must not be talked over: ticket numbers and codes', () => {
    expect(mustNotBeInterrupted('ticket MFA-000001')).toBe(true);
    expect(mustNotBeInterrupted('your code is 123456')).toBe(true);
    expect(mustNotBeInterrupted('press 1 or say yes')).toBe(false);
  });
});

describe('renderTwiml', () => {
  it('reads a ticket number before <Gather> (no barge-in) and the question inside it (barge-in)', () => {
    const root = parseTwiml(renderTwiml(['Opened MFA-000042.', 'Anything else? Press 1 or say Yes.'], { kind: 'gather', action: '/api/voice/gather', hints: ['Yes', 'No, thanks'] }));
    expect(verbsOf(root)).toEqual(['Say', 'Gather']);
    expect(root.children[0].text).toBe('Opened M F A, 0 0 0, 0 4 2.');
    const gather = find(root, 'Gather');
    expect(gather?.attrs.hints).toBe('Yes, No thanks');
    expect(saysOf(gather ?? root)).toEqual(['Anything else? Press 1 or say Yes.']);
  });

  it('escapes what it reads: caller-controlled text cannot add TwiML', () => {
    const root = parseTwiml(renderTwiml(['You said </Say><Hangup/> & more'], { kind: 'hangup' }));
    expect(verbsOf(root)).toEqual(['Say', 'Hangup']);
  });

  it('renders a transfer as <Dial><Number url> with the whisper', () => {
    const root = parseTwiml(renderTwiml(['Putting you through.'], { kind: 'dial', to: '+443332001133', whisperUrl: 'https://bot.example.org/api/voice/whisper?ticket=MFA-000001' }));
    expect(verbsOf(root)).toEqual(['Say', 'Dial']);
    const number = find(root, 'Number');
    expect(number?.attrs).toEqual({ url: 'https://bot.example.org/api/voice/whisper?ticket=MFA-000001', method: 'POST' });
    expect(number?.text).toBe('+443332001133');
  });
});
