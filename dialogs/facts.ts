/**
 * Facts the guided conversations state, written once so every dialog says the same thing.
 * The knowledge base in `content/` carries the same facts for free-text questions.
 */

/** The national helpdesk, as written and as spoken. */
export const HELPDESK_PHONE = '0333 200 1133';
export const HELPDESK_PHONE_SPOKEN = 'oh three three three, two oh oh, one one three three';

/** Where people manage their own sign-in methods. */
export const SECURITY_INFO_URL = 'https://aka.ms/mysecurityinfo';
