/**
 * Facts the guided conversations state, written once so every dialog says the same thing.
 * The knowledge base in `content/` carries the same facts for free-text questions.
 */

/** The national helpdesk, as written and as spoken. */
export const HELPDESK_PHONE = '0333 200 1133';
export const HELPDESK_PHONE_SPOKEN = 'oh three three three, two oh oh, one one three three';
export const HELPDESK_EMAIL = 'helpdesk@nhs.net';

/** Where people manage their own sign-in methods. */
export const SECURITY_INFO_URL = 'https://aka.ms/mysecurityinfo';

/** Moving Microsoft Authenticator to a new phone by backup and recovery. */
export const AUTHENTICATOR_RECOVERY_STEPS: readonly string[] = [
  'On your **old** phone, open Microsoft Authenticator.',
  'Tap the three dots and open **Settings**.',
  'Switch on **Cloud backup** (Android) or **iCloud backup** (iPhone).',
  'Add a recovery account when asked.',
  'On your **new** phone, install and open Microsoft Authenticator.',
  'Tap **Begin recovery**.',
  'Sign in with the recovery account you chose.',
  'Re-verify each account when prompted, and it is ready to use.',
];

/** Changing the default sign-in method on the Security info page. */
export const CHANGE_DEFAULT_METHOD_STEPS: readonly string[] = [
  `In a web browser, go to ${SECURITY_INFO_URL} and sign in with your NHSmail address and password.`,
  'Next to your default sign-in method, choose **Change**.',
  'Pick the method you want to use from now on.',
  'Choose **Confirm** to save it.',
];
