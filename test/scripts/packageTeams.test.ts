import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';

const ROOT = resolve(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const SCRIPT = join(ROOT, 'scripts', 'packageTeams.ts');
const APP_ID = '6f2c9e5a-1b3d-4c7e-9a8b-0123456789ab';
const GOOD_ENV = { MICROSOFT_APP_ID: APP_ID, PUBLIC_BASE_URL: 'https://helpdesk-bot.example.org/' };

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let work: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'teams-package-'));
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs `npm run package:teams` as a user would, in an empty folder (so no .env is read), with only `env` set. */
function runPackage(env: Record<string, string>, args: readonly string[] = []): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      TSX,
      [SCRIPT, '--out', join(work, 'out', 'app.zip'), ...args],
      { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A copy of the shipped manifest folder that a test may spoil. */
function manifestCopy(): string {
  const dir = join(work, 'manifest');
  cpSync(join(ROOT, 'manifest'), dir, { recursive: true });
  return dir;
}

function writePng(path: string, size: number, pixel: [number, number, number, number]): void {
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < png.data.length; i += 4) png.data.set(pixel, i);
  writeFileSync(path, PNG.sync.write(png));
}

const zipPath = (): string => join(work, 'out', 'app.zip');

describe('npm run package:teams', () => {
  it('writes a zip with exactly the manifest and both icons at its root, placeholders filled', async () => {
    const run = await runPackage(GOOD_ENV);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain('app.zip');
    const zip = await JSZip.loadAsync(readFileSync(zipPath()));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    for (const icon of ['color.png', 'outline.png']) {
      expect(Buffer.compare(await zip.file(icon)!.async('nodebuffer'), readFileSync(join(ROOT, 'manifest', icon)))).toBe(0);
    }
    const text = await zip.file('manifest.json')!.async('string');
    expect(text).not.toContain('{{');
    const manifest = JSON.parse(text);
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots[0].botId).toBe(APP_ID);
    expect(manifest.webApplicationInfo.id).toBe(APP_ID);
    expect(manifest.validDomains).toEqual(['helpdesk-bot.example.org']);
    expect(manifest.authorization.permissions.resourceSpecific).toContainEqual({ name: 'ChannelMessage.Read.Group', type: 'Application' });
    // Commands are listed for each scope the bot is installed in.
    const listed = manifest.commandLists ?? manifest.bots[0].commandLists;
    expect(listed.flatMap((l: { scopes: string[] }) => l.scopes).sort()).toEqual([...manifest.bots[0].scopes].sort());
    for (const list of listed) expect(list.commands.length).toBeGreaterThan(0);
    // The schema is one that @microsoft/app-manifest ships, and manifestVersion matches it.
    const shipped = readdirSync(join(ROOT, 'node_modules', '@microsoft', 'app-manifest', 'build', 'json-schemas', 'teams'));
    expect(shipped).toContain(`v${manifest.manifestVersion}`);
    expect(manifest.$schema).toContain(`/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
    expect(Number(manifest.manifestVersion.split('.')[1])).toBeGreaterThanOrEqual(25);
  });

  it('names every missing or malformed variable and writes nothing', async () => {
    const missing = await runPackage({});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('The Teams app package was not built');
    expect(missing.stderr).toMatch(/MICROSOFT_APP_ID is not set/);
    expect(missing.stderr).toMatch(/PUBLIC_BASE_URL is not set/);
    expect(existsSync(zipPath())).toBe(false);

    const bad = await runPackage({ MICROSOFT_APP_ID: 'not-a-guid', PUBLIC_BASE_URL: 'http://insecure.example.org' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).not.toMatch(/is not set/);
    expect(bad.stderr).toMatch(/MICROSOFT_APP_ID expects a GUID/);
    expect(bad.stderr).toMatch(/PUBLIC_BASE_URL expects an https:\/\/ URL/);
    expect(existsSync(zipPath())).toBe(false);
  });

  it("refuses a manifest that Microsoft's schema rejects, naming the field, and a placeholder with no value", async () => {
    const dir = manifestCopy();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    manifest.name.short = 'A'.repeat(40);
    manifest.name.full = '{{BOT_FULL_NAME}}';
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const run = await runPackage(GOOD_ENV, ['--source', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/manifest\.json\/name\/short must NOT have more than 30 characters/);
    expect(run.stderr).toContain('placeholders with no value: BOT_FULL_NAME');
    expect(existsSync(zipPath())).toBe(false);
  });

  it('refuses an icon of the wrong size and an outline icon without a transparent background', async () => {
    const dir = manifestCopy();
    writePng(join(dir, 'color.png'), 64, [0, 94, 184, 255]);
    writePng(join(dir, 'outline.png'), 32, [255, 255, 255, 255]);
    const run = await runPackage(GOOD_ENV, ['--source', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('color.png must be 192×192 pixels, but it is 64×64');
    expect(run.stderr).toContain('outline.png must have a transparent background');
    expect(run.stderr).not.toContain('outline.png must be 32×32');
    expect(existsSync(zipPath())).toBe(false);
  });
});
