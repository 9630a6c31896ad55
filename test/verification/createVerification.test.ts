import { loadConfig } from '../../src/config';
import { createDirectory } from '../../src/directory';
import { SqliteDocumentStore } from '../../src/store/sqlite/sqliteDocumentStore';
import { createVerification, verificationMessage } from '../../src/verification';
import { capturingLogger, ManualClock, tempDir } from '../support/verificationFixtures';
import { codeInMessage } from '../support/dialogTranscripts';

describe('createVerification', () => {
  it('wires the sample directory, the dev outbox and the service end to end in development', async () => {
    const tmp = tempDir();
    const store = new SqliteDocumentStore({ filename: ':memory:' });
    try {
      const config = loadConfig({ DATA_DIR: tmp.dir });
      const { logger } = capturingLogger();
      const clock = new ManualClock();
      const directory = await createDirectory(config, logger);
      const v = await createVerification({ config, store, clock, logger });
      expect(v.outbox).toBeDefined();

      await expect(v.lookups.check('conv', 'bob.jones@example.nhs.net')).resolves.toEqual({ ok: true });
      const bob = await directory.findByEmail('bob.jones@example.nhs.net');
      if (!bob) throw new Error('sample directory lacks Bob');
      const sent = await v.service.sendCode({ purpose: 'identity', person: bob, conversationId: 'conv', channel: 'sms', method: 'mobile' });
      expect(sent).toMatchObject({ ok: true, destination: '***201' });

      const again = await v.service.sendCode({ purpose: 'identity', person: bob, conversationId: 'conv', channel: 'sms', method: 'mobile' });
      expect(again.ok).toBe(false);
      if (!again.ok) expect(verificationMessage(again, { now: clock.now() })).toMatch(/wait 60 seconds/);

      const message = v.outbox?.list('+447700900201')[0];
      const code = codeInMessage(message?.text ?? '');
      expect(code).toMatch(/^\d{6}$/);
      await expect(v.service.checkCode({ personId: bob.id, purpose: 'identity', conversationId: 'conv', code })).resolves.toMatchObject({ ok: true });

      const dan = await directory.findByStaffId('100004');
      if (!dan) throw new Error('sample directory lacks Dan');
      await expect(v.service.sendCode({ purpose: 'identity', person: dan, conversationId: 'conv2', channel: 'sms', method: 'mobile' })).resolves.toMatchObject({
        reason: 'not_eligible',
        detail: 'compromised',
      });
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });

  it('with PUBLIC_BASE_URL set, texts end with the WebOTP line for its host', async () => {
    const tmp = tempDir();
    const store = new SqliteDocumentStore({ filename: ':memory:' });
    try {
      const config = loadConfig({ DATA_DIR: tmp.dir, PUBLIC_BASE_URL: 'https://helpdesk-bot.example.org/' });
      const { logger } = capturingLogger();
      const directory = await createDirectory(config, logger);
      const v = await createVerification({ config, store, clock: new ManualClock(), logger });
      const bob = await directory.findByEmail('bob.jones@example.nhs.net');
      if (!bob) throw new Error('sample directory lacks Bob');
      await v.service.sendCode({ purpose: 'identity', person: bob, conversationId: 'conv', channel: 'sms', method: 'mobile' });
      const text = v.outbox?.list('+447700900201')[0]?.text ?? '';
      expect(text.split('\n').pop()).toBe(`@helpdesk-bot.example.org #${codeInMessage(text)}`);
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });
});
