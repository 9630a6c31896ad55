import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DirectoryFileError, JsonFileDirectory, SAMPLE_DIRECTORY_FILE } from '../../src/directory/jsonFileDirectory';
import { tempDir } from '../support/verificationFixtures';

describe('JsonFileDirectory', () => {
  it('loads the shipped sample with exactly the five sample people', async () => {
    const dir = await JsonFileDirectory.load();
    expect(SAMPLE_DIRECTORY_FILE).toMatch(/content[\\/]directory\.sample\.json$/);
    expect(dir.people.map((p) => [p.email, p.staffId, p.displayName])).toEqual([
      ['alice.smith@example.nhs.net', '100001', 'Alice Smith'],
      ['bob.jones@example.nhs.net', '100002', 'Bob Jones'],
      ['carol.white@example.nhs.net', '100003', 'Carol White'],
      ['dan.brown@example.nhs.net', '100004', 'Dan Brown'],
      ['erin.guest@example.org', '100005', 'Erin Guest'],
    ]);
    expect(dir.people.every((p) => /^[0-9a-f-]{36}$/.test(p.objectId ?? ''))).toBe(true);
  });

  it('holds the sample methods and flags', async () => {
    const dir = await JsonFileDirectory.load();
    await expect(dir.findByEmail('alice.smith@example.nhs.net')).resolves.toMatchObject({
      defaultMethod: 'authenticatorApp',
      methods: { authenticatorApp: true, mobile: '+447700900101', alternateMobile: '+447700900102', officePhone: '+441632960101', fido2: false, smartcard: false },
      guest: false,
      compromised: false,
    });
    await expect(dir.findByStaffId('100002')).resolves.toMatchObject({ defaultMethod: 'mobile', methods: { mobile: '+447700900201', authenticatorApp: false } });
    const carol = await dir.findByStaffId('100003');
    expect(carol?.methods).toEqual({ authenticatorApp: true, fido2: false, smartcard: false });
    await expect(dir.findByStaffId('100004')).resolves.toMatchObject({ compromised: true, guest: false, methods: { mobile: '+447700900401' } });
    await expect(dir.findByStaffId('100005')).resolves.toMatchObject({ guest: true, compromised: false, methods: { mobile: '+447700900501' } });
  });

  it('looks up email case-insensitively, and by object id', async () => {
    const dir = await JsonFileDirectory.load();
    await expect(dir.findByEmail('  Bob.Jones@EXAMPLE.nhs.net ')).resolves.toMatchObject({ staffId: '100002' });
    await expect(dir.findByObjectId('5B2F7C1E-3A4D-4E8F-9B10-0A1B2C3D4E03')).resolves.toMatchObject({ displayName: 'Carol White' });
    await expect(dir.findByEmail('nobody@example.nhs.net')).resolves.toBeUndefined();
    await expect(dir.findByStaffId('999999')).resolves.toBeUndefined();
  });

  it('rejects a bad file with a clear error naming each problem', async () => {
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 'people.json');
      writeFileSync(
        file,
        JSON.stringify({
          people: [
            { id: 'a', email: 'not-an-email', staffId: '1', displayName: 'A', methods: { mobile: '07700900101' }, defaultMethod: 'mobile' },
            { id: 'b', email: 'b@example.org', staffId: '2', displayName: 'B', methods: { authenticatorApp: false }, defaultMethod: 'authenticatorApp' },
            { id: 'c', email: 'B@example.org', staffId: '3', displayName: 'C', methods: {}, defaultMethod: 'pigeon' },
          ],
        }),
      );
      const err = await JsonFileDirectory.load(file).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DirectoryFileError);
      const message = (err as Error).message;
      expect(message).toContain(file);
      expect(message).toContain('people[0].email: expects an email address');
      expect(message).toContain('people[0].methods.mobile: expects an E.164 phone number');
      expect(message).toContain('people[1].defaultMethod: "authenticatorApp" is not one of this person\'s registered methods');
      expect(message).toMatch(/people\[2\]\.defaultMethod: expects one of authenticatorApp, mobile/);
    } finally {
      tmp.cleanup();
    }
  });

  it('reports duplicates, invalid JSON and a missing file', async () => {
    const person = { id: 'x', email: 'x@example.org', staffId: '7', displayName: 'X', methods: { authenticatorApp: true }, defaultMethod: 'authenticatorApp' };
    expect(() => JsonFileDirectory.fromJson(JSON.stringify({ people: [person, { ...person, id: 'y', email: 'X@example.org' }] }), 'dup.json')).toThrow(
      /people\[1\]\.email: duplicates people\[0\]\.email/,
    );
    expect(() => JsonFileDirectory.fromJson('{ people: ', 'broken.json')).toThrow(/broken\.json is invalid:\n {2}- is not valid JSON/);
    expect(() => JsonFileDirectory.fromJson('{}', 'empty.json')).toThrow(/people: Required/);
    await expect(JsonFileDirectory.load('/nonexistent/people.json')).rejects.toThrow(/cannot be read/);
  });
});
