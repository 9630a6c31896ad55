/**
 * Builds the Teams app package: fills the manifest's placeholders from the environment, checks the
 * result against Microsoft's schema (bundled in @microsoft/app-manifest, so it works offline) and
 * the icons against Teams' rules, and writes a zip holding manifest.json, color.png and outline.png.
 *
 * Usage: npm run package:teams [-- --out dist/mfa-helpdesk-teams.zip] [-- --source manifest]
 * Environment (a .env file in the working directory is read too): MICROSOFT_APP_ID, PUBLIC_BASE_URL.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppManifestUtils, type TeamsManifest } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { PNG } from 'pngjs';

/** A problem that stops the package from being built, reported as one line. */
class PackageError extends Error {}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** The files at the root of the package, and nothing else. */
const ICONS = { color: { file: 'color.png', size: 192 }, outline: { file: 'outline.png', size: 32 } } as const;
/** A fixed date for every zip entry, so the same inputs give the same bytes. */
const ENTRY_DATE = new Date('2020-01-01T00:00:00Z');

/** The values that replace `{{NAME}}` placeholders in the manifest, each checked. */
function placeholderValues(env: NodeJS.ProcessEnv): { values: Record<string, string>; problems: string[] } {
  const problems: string[] = [];
  const values: Record<string, string> = {};
  const appId = env.MICROSOFT_APP_ID?.trim();
  if (!appId) problems.push("MICROSOFT_APP_ID is not set: it expects the bot's Microsoft App ID, a GUID");
  else if (!GUID.test(appId)) problems.push('MICROSOFT_APP_ID expects a GUID such as 00000000-0000-0000-0000-000000000000');
  else values.MICROSOFT_APP_ID = appId.toLowerCase();
  const baseUrl = env.PUBLIC_BASE_URL?.trim();
  if (!baseUrl) problems.push("PUBLIC_BASE_URL is not set: it expects the bot's public https:// address, e.g. https://bot.example.org");
  else {
    const host = httpsHost(baseUrl);
    if (host) values.PUBLIC_BASE_DOMAIN = host;
    else problems.push('PUBLIC_BASE_URL expects an https:// URL with a host name, e.g. https://bot.example.org');
  }
  return { values, problems };
}

/** The host name of an https URL, or undefined. */
function httpsHost(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname !== '' ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

/** Replaces every `{{NAME}}` in the manifest text; the names with no value are returned as a problem. */
function fillPlaceholders(text: string, values: Record<string, string>): { filled: string; problems: string[] } {
  const unknown = new Set<string>();
  const filled = text.replace(/\{\{\s*([A-Z0-9_]+)\s*\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) unknown.add(name);
    return value ?? whole;
  });
  return { filled, problems: unknown.size > 0 ? [`manifest.json uses placeholders with no value: ${[...unknown].join(', ')}`] : [] };
}

/** Checks an icon's size and, for the outline icon, that it is white on a transparent background. */
function checkIcon(path: string, kind: keyof typeof ICONS): string[] {
  const { file, size } = ICONS[kind];
  if (!existsSync(path)) return [`${file} is missing`];
  let png: PNG;
  try {
    png = PNG.sync.read(readFileSync(path));
  } catch (err) {
    return [`${file} is not a readable PNG image (${err instanceof Error ? err.message : String(err)})`];
  }
  const problems: string[] = [];
  if (png.width !== size || png.height !== size) {
    problems.push(`${file} must be ${size}×${size} pixels, but it is ${png.width}×${png.height}`);
  }
  if (kind === 'outline') {
    let transparent = 0;
    let other = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b, a] = [png.data[i], png.data[i + 1], png.data[i + 2], png.data[i + 3]];
      if (a === 0) transparent++;
      else if (r !== 255 || g !== 255 || b !== 255) other++;
    }
    if (transparent === 0) problems.push(`${file} must have a transparent background, but no pixel is transparent`);
    if (other > 0) problems.push(`${file} must be white on a transparent background, but ${other} pixels have another colour`);
  }
  return problems;
}

/** Validates the filled manifest against the schema version it names, from the package's own copy. */
async function schemaProblems(manifest: TeamsManifest): Promise<string[]> {
  const match = /\/teams\/(v[0-9.]+|vDevPreview)\/MicrosoftTeams\.schema\.json$/.exec(manifest.$schema ?? '');
  if (!match) throw new PackageError('manifest.json must name a Teams schema in $schema, e.g. …/teams/v1.30/MicrosoftTeams.schema.json');
  const schemaFile = join(dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', 'teams', match[1], 'MicrosoftTeams.schema.json');
  if (!existsSync(schemaFile)) throw new PackageError(`schema ${match[1]} is not shipped with @microsoft/app-manifest; use a version it ships`);
  const schema: unknown = JSON.parse(readFileSync(schemaFile, 'utf8'));
  if (typeof schema !== 'object' || schema === null) throw new PackageError(`schema ${match[1]} could not be read`);
  const problems = await AppManifestUtils.validateAgainstSchema(manifest, schema as Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]);
  if (manifest.manifestVersion !== match[1].replace(/^v/, '')) {
    problems.push(`/manifestVersion is ${manifest.manifestVersion}, but $schema names ${match[1]}`);
  }
  return problems;
}

/** Builds the package from `sourceDir` into `outFile`; returns the manifest that went in. */
async function buildPackage(sourceDir: string, outFile: string, env: NodeJS.ProcessEnv): Promise<TeamsManifest> {
  const { values, problems } = placeholderValues(env);
  if (problems.length > 0) throw new PackageError(problems.join('\n'));
  const manifestPath = join(sourceDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new PackageError(`${manifestPath} does not exist`);
  const { filled, problems: unfilled } = fillPlaceholders(readFileSync(manifestPath, 'utf8'), values);
  let manifest: TeamsManifest;
  try {
    manifest = JSON.parse(filled) as TeamsManifest;
  } catch (err) {
    throw new PackageError(`manifest.json is not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const found = [
    ...unfilled,
    ...(await schemaProblems(manifest)).map((p) => `manifest.json${p.startsWith('/') ? '' : ' '}${p}`),
    ...checkIcon(join(sourceDir, ICONS.color.file), 'color'),
    ...checkIcon(join(sourceDir, ICONS.outline.file), 'outline'),
  ];
  if (manifest.icons?.color !== ICONS.color.file || manifest.icons?.outline !== ICONS.outline.file) {
    found.push(`manifest.json icons must be ${ICONS.color.file} and ${ICONS.outline.file} at the root of the package`);
  }
  if (found.length > 0) throw new PackageError(found.join('\n'));

  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`, { date: ENTRY_DATE });
  for (const { file } of Object.values(ICONS)) zip.file(file, readFileSync(join(sourceDir, file)), { date: ENTRY_DATE });
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'UNIX' });
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, bytes);
  return manifest;
}

/** The value after `--name` on the command line, or the fallback. */
function option(args: readonly string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new PackageError(`${name} expects a value`);
  return value;
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const args = process.argv.slice(2);
  const root = resolve(__dirname, '..');
  const sourceDir = resolve(option(args, '--source', join(root, 'manifest')));
  const outFile = resolve(option(args, '--out', join(root, 'dist', 'mfa-helpdesk-teams.zip')));
  const manifest = await buildPackage(sourceDir, outFile, process.env);
  console.log(`Wrote ${outFile}: manifest ${manifest.manifestVersion}, app ${manifest.id}, valid domains ${(manifest.validDomains ?? []).join(', ')}`);
}

main().catch((err: unknown) => {
  if (err instanceof PackageError) {
    console.error(`The Teams app package was not built:\n${err.message.split('\n').map((line) => `  - ${line}`).join('\n')}`);
  } else {
    console.error(err);
  }
  process.exitCode = 1;
});
