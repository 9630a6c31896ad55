/**
 * Directory port: who a person is and which MFA methods they have registered. Adapters read a
 * JSON file (development, demos) or Microsoft Graph (production).
 */

/** Methods a person can use for MFA; phone numbers are E.164 (e.g. `+447700900123`). */
export interface PersonMethods {
  readonly mobile?: string;
  readonly alternateMobile?: string;
  readonly officePhone?: string;
  readonly authenticatorApp: boolean;
  readonly fido2: boolean;
  readonly smartcard: boolean;
}

/** Names of the methods in {@link PersonMethods}. */
export type MethodName = 'authenticatorApp' | 'mobile' | 'alternateMobile' | 'officePhone' | 'fido2' | 'smartcard';

/** Methods that hold a phone number, i.e. possible destinations for a code. */
export type PhoneMethod = 'mobile' | 'alternateMobile' | 'officePhone';

/** All method names, in the order used when a default has to be derived. */
export const METHOD_NAMES: readonly MethodName[] = ['authenticatorApp', 'mobile', 'alternateMobile', 'officePhone', 'fido2', 'smartcard'];

/** The phone methods, in order of preference. */
export const PHONE_METHODS: readonly PhoneMethod[] = ['mobile', 'alternateMobile', 'officePhone'];

/** One member of staff (or guest) as the directory knows them. */
export interface Person {
  /** Stable id used for limits, audit and tickets (the Entra object id where there is one). */
  readonly id: string;
  readonly email: string;
  readonly staffId: string;
  /** Entra ID object id, a GUID. */
  readonly objectId?: string;
  readonly displayName: string;
  readonly methods: PersonMethods;
  /**
   * The method the person normally uses. Meaningful only when that method is registered: a
   * person with no methods at all still carries a value here, so check {@link Person.methods}.
   */
  readonly defaultMethod: MethodName;
  /** A guest (B2B) account, managed by its home organisation. */
  readonly guest: boolean;
  /** The account is believed compromised: no self-service, a person must handle it. */
  readonly compromised: boolean;
}

/** Looks people up. Every method resolves to `undefined` when there is no (unique) match. */
export interface Directory {
  /** Finds a person by email address or user principal name, ignoring case. */
  findByEmail(emailOrUpn: string): Promise<Person | undefined>;
  /** Finds a person by staff (employee) id. */
  findByStaffId(staffId: string): Promise<Person | undefined>;
  /** Finds a person by Entra object id. */
  findByObjectId(entraObjectId: string): Promise<Person | undefined>;
}

/** Whether the method is registered for the person. */
export function hasMethod(person: Person, method: MethodName): boolean {
  const value = person.methods[method];
  return typeof value === 'string' ? value.length > 0 : value === true;
}

/** The phone number held for a phone method, if any. */
export function phoneFor(person: Person, method: PhoneMethod): string | undefined {
  return person.methods[method];
}

/**
 * The phone methods that hold a number, one per distinct number (a number held twice, e.g. as
 * mobile and office phone, counts once), in order of preference.
 */
export function numbersOnRecord(person: Person): PhoneMethod[] {
  const seen = new Set<string>();
  return PHONE_METHODS.filter((m) => {
    const number = phoneFor(person, m);
    if (!number || seen.has(number)) return false;
    seen.add(number);
    return true;
  });
}

/** Every phone method that holds the same number as `method`: all of them are that one phone. */
export function sameNumberMethods(person: Person, method: PhoneMethod): PhoneMethod[] {
  const number = phoneFor(person, method);
  return number ? PHONE_METHODS.filter((m) => phoneFor(person, m) === number) : [method];
}

/**
 * The registered methods that still work once a phone is lost: every number but the lost one,
 * security keys and smartcards, and the Authenticator app only when `appElsewhere` (the person
 * says it is on another device; otherwise it is taken to be on the lost phone).
 */
export function methodsBesides(person: Person, lost: PhoneMethod | undefined, appElsewhere: boolean): MethodName[] {
  const gone = lost ? sameNumberMethods(person, lost) : [];
  return METHOD_NAMES.filter((m) => {
    if (!hasMethod(person, m)) return false;
    if (m === 'authenticatorApp') return appElsewhere;
    return !(gone as readonly MethodName[]).includes(m);
  });
}

/** Picks a default method from the registered ones (authenticator app first, then phones, then keys). */
export function deriveDefaultMethod(methods: PersonMethods): MethodName {
  return METHOD_NAMES.find((m) => {
    const v = methods[m];
    return typeof v === 'string' ? v.length > 0 : v === true;
  }) ?? 'mobile';
}

/** Matches an E.164 number: `+`, a non-zero country code digit, 7 to 14 more digits. */
export const E164 = /^\+[1-9]\d{7,14}$/;

/** Matches an Entra object id (GUID). */
export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
