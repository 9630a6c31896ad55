import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { E164, GUID, METHOD_NAMES, type Directory, type MethodName, type Person } from './directory';

/** The sample directory shipped with the product, used when `DIRECTORY_FILE` is not set. */
export const SAMPLE_DIRECTORY_FILE = [
  resolve(__dirname, '..', '..', 'content', 'directory.sample.json'),
  // from the compiled output in dist/src/directory
  resolve(__dirname, '..', '..', '..', 'content', 'directory.sample.json'),
].find((f) => existsSync(f)) ?? resolve('content', 'directory.sample.json');

const phone = z.string().regex(E164, 'expects an E.164 phone number such as +447700900123');

const personSchema = z
  .object({
    id: z.string().trim().min(1, 'expects a non-empty id').max(200),
    email: z.string().trim().email('expects an email address'),
    staffId: z.string().trim().regex(/^[A-Za-z0-9-]{1,32}$/, 'expects 1 to 32 letters, digits or dashes'),
    objectId: z.string().regex(GUID, 'expects an Entra object id (a GUID)').optional(),
    displayName: z.string().trim().min(1, 'expects a name'),
    methods: z
      .object({
        mobile: phone.optional(),
        alternateMobile: phone.optional(),
        officePhone: phone.optional(),
        authenticatorApp: z.boolean().default(false),
        fido2: z.boolean().default(false),
        smartcard: z.boolean().default(false),
      })
      .strict(),
    defaultMethod: z.enum(METHOD_NAMES as [MethodName, ...MethodName[]], {
      errorMap: () => ({ message: `expects one of ${METHOD_NAMES.join(', ')}` }),
    }),
    guest: z.boolean().default(false),
    compromised: z.boolean().default(false),
  })
  .strict()
  .superRefine((p, ctx) => {
    const v = p.methods[p.defaultMethod];
    if (!(typeof v === 'string' ? v.length > 0 : v === true)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['defaultMethod'], message: `"${p.defaultMethod}" is not one of this person's registered methods` });
    }
  });

const fileSchema = z
  .object({
    people: z.array(personSchema),
  })
  .passthrough()
  .superRefine((file, ctx) => {
    const unique = (field: 'id' | 'email' | 'staffId' | 'objectId', normalise: (s: string) => string): void => {
      const seen = new Map<string, number>();
      file.people.forEach((p, i) => {
        const raw = p[field];
        if (raw === undefined) return;
        const key = normalise(raw);
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['people', i, field], message: `duplicates people[${first}].${field}` });
        } else {
          seen.set(key, i);
        }
      });
    };
    unique('id', (s) => s);
    unique('email', (s) => s.toLowerCase());
    unique('staffId', (s) => s.toLowerCase());
    unique('objectId', (s) => s.toLowerCase());
  });

/** Thrown when a directory file cannot be read or does not match the expected shape. */
export class DirectoryFileError extends Error {
  constructor(
    public readonly file: string,
    public readonly problems: readonly string[],
  ) {
    super(`Directory file ${file} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DirectoryFileError';
  }
}

function issuePath(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '') || '(file)';
}

/**
 * A directory read from a JSON file of the form `{ "people": [ Person, ... ] }`. The file is
 * validated when loaded; lookups by email and staff id ignore case.
 */
export class JsonFileDirectory implements Directory {
  private readonly byEmail = new Map<string, Person>();
  private readonly byStaffId = new Map<string, Person>();
  private readonly byObjectId = new Map<string, Person>();

  /** Use {@link JsonFileDirectory.load} or {@link JsonFileDirectory.fromJson}. */
  private constructor(public readonly people: readonly Person[]) {
    for (const p of people) {
      this.byEmail.set(p.email.toLowerCase(), p);
      this.byStaffId.set(p.staffId.toLowerCase(), p);
      if (p.objectId) this.byObjectId.set(p.objectId.toLowerCase(), p);
    }
  }

  /**
   * Reads and validates a directory file.
   * @param file path of the JSON file; the shipped sample when omitted
   * @throws DirectoryFileError naming every problem found
   */
  static async load(file: string = SAMPLE_DIRECTORY_FILE): Promise<JsonFileDirectory> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new DirectoryFileError(file, [`cannot be read (${err instanceof Error ? err.message : String(err)})`]);
    }
    return JsonFileDirectory.fromJson(text, file);
  }

  /**
   * Validates directory JSON text.
   * @param source name used in error messages
   * @throws DirectoryFileError naming every problem found
   */
  static fromJson(text: string, source = 'directory'): JsonFileDirectory {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new DirectoryFileError(source, [`is not valid JSON (${err instanceof Error ? err.message : String(err)})`]);
    }
    const result = fileSchema.safeParse(data);
    if (!result.success) {
      throw new DirectoryFileError(
        source,
        result.error.issues.map((i) => `${issuePath(i.path)}: ${i.message}`),
      );
    }
    return new JsonFileDirectory(
      result.data.people.map((p) => ({
        ...p,
        email: p.email.trim(),
        methods: { ...p.methods },
      })),
    );
  }

  findByEmail(emailOrUpn: string): Promise<Person | undefined> {
    return Promise.resolve(this.byEmail.get(emailOrUpn.trim().toLowerCase()));
  }

  findByStaffId(staffId: string): Promise<Person | undefined> {
    return Promise.resolve(this.byStaffId.get(staffId.trim().toLowerCase()));
  }

  findByObjectId(entraObjectId: string): Promise<Person | undefined> {
    return Promise.resolve(this.byObjectId.get(entraObjectId.trim().toLowerCase()));
  }
}
