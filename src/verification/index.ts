import { AuditLog } from '../audit/auditLog';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { DocumentStore } from '../store/documentStore';
import type { CodeSender, NoticeSender } from './codeSender';
import { DevOutbox } from './devOutbox';
import { LookupLimiter } from './lookupLimiter';
import { resolveVerificationSecret } from './secret';
import { TwilioCodeSender } from './twilioCodeSender';
import { VerificationService } from './verificationService';
import { VerificationSessions } from './sessions';
import { VoiceRepeatTokens } from './voiceRepeat';
import { webOtpHostOf } from './codeText';
import { CallbackCalls } from './callbackCalls';
import { RateAlarm, type UnusualRateSink } from '../limits/rateAlarm';
import { WindowBudgets } from '../limits/windowBudgets';

export * from './types';
export * from './codeSender';
export * from './verificationService';
export * from './messages';
export * from './requester';
export { LookupLimiter, LOOKUP_COLLECTION, type LookupResult, type LookupRefusal, type LookupLimiterOptions } from './lookupLimiter';
export { DevOutbox, type OutboxMessage, type DevOutboxOptions } from './devOutbox';
export { TwilioCodeSender, BaseUrlRequestClient, mapTwilioError, type TwilioCodeSenderOptions } from './twilioCodeSender';
export { VoiceRepeatTokens, type RepeatTokenContent } from './voiceRepeat';
export { CallbackCalls, CALLBACK_ANSWER_PATH, CALLBACK_KEY_PATH, CALLBACK_STATUS_PATH, type CallbackTicket } from './callbackCalls';
export { SealedTokens } from './sealedTokens';
export { smsText, voiceScript, codeCallTwiml, endCallTwiml, spokenDigits, codeRule, groupedCode, webOtpHostOf, DEFAULT_SERVICE_NAME, DEFAULT_VOICE } from './codeText';
export { resolveVerificationSecret, DEV_SECRET_FILE } from './secret';
export { normaliseUkMobile } from './phoneNumbers';
export { VerificationSessions, SESSION_COLLECTION, SESSION_VALIDITY_MS, type VerifiedIdentity, type VerificationSessionsOptions } from './sessions';

/** Whether the sender can also send security notices (Twilio and the dev outbox can). */
function sendsNotices(sender: CodeSender): sender is CodeSender & NoticeSender {
  return 'sendNotice' in sender && typeof sender.sendNotice === 'function';
}

/** The sender itself when it can also send security notices. */
function noticeSenderOf(sender: CodeSender): NoticeSender | undefined {
  return sendsNotices(sender) ? sender : undefined;
}

/** Inputs of {@link createVerification}. */
export interface VerificationSetup {
  readonly config: Config;
  readonly store: DocumentStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Public URL of the voice webhook that answers "press 1 to repeat" on code calls, e.g.
   * `https://bot.example.org/api/voice/code-repeat`. Without it calls offer no repeat.
   */
  readonly voiceRepeatUrl?: string;
  /** Public base URL Twilio reaches (`PUBLIC_BASE_URL`), for the webhooks of call-backs. */
  readonly publicBaseUrl?: string;
  /** Replaces the configured sender (tests). */
  readonly sender?: CodeSender;
  /** Root of the Twilio REST API (tests point it at a local stand-in). */
  readonly twilioApiBaseUrl?: string;
  /** Where unusual-rate alerts go besides the log (the security webhook). */
  readonly alertSinks?: readonly UnusualRateSink[];
}

/** Everything the dialogs and channels need for identity verification. */
export interface Verification {
  readonly service: VerificationService;
  readonly lookups: LookupLimiter;
  /** Identity proofs reused within a conversation for 15 minutes. */
  readonly sessions: VerificationSessions;
  readonly audit: AuditLog;
  readonly sender: CodeSender;
  /** Set when codes go to the in-memory dev outbox instead of Twilio. */
  readonly outbox?: DevOutbox;
  /** Opens the tokens of "press 1 to repeat" requests in the voice webhook. */
  readonly repeatTokens: VoiceRepeatTokens;
  /** Seals and opens call-backs ("press hash to confirm"). */
  readonly callbacks: CallbackCalls;
  /** Whether call-backs can be placed: with the dev outbox, or with Twilio and a public base URL. */
  readonly callbacksAvailable: boolean;
  /** Raises unusual-rate alerts when a budget of codes refuses. */
  readonly alarm: RateAlarm;
}

/**
 * Builds the verification services from the config: Twilio when configured, otherwise (only in
 * development without an App ID or Graph) the dev outbox; the HMAC secret from `VERIFICATION_SECRET` or, in
 * development, from `DATA_DIR/verification.secret`.
 * @throws Error in production without Twilio or without a secret
 */
export async function createVerification(setup: VerificationSetup): Promise<Verification> {
  const { config, store, clock, logger } = setup;
  const secret = await resolveVerificationSecret({ secret: config.verification.secret, nodeEnv: config.nodeEnv, dataDir: config.dataDir, logger });
  const repeatTokens = new VoiceRepeatTokens(secret, clock);
  const callbacks = new CallbackCalls(secret, clock, setup.publicBaseUrl);
  const audit = new AuditLog(store, clock);
  const alarm = new RateAlarm({ budgets: new WindowBudgets(store, clock), intervalMs: config.verification.alertIntervalMinutes * 60_000, logger, clock, sinks: setup.alertSinks });
  const webOtpHost = webOtpHostOf(config.publicBaseUrl);
  let sender = setup.sender;
  let outbox: DevOutbox | undefined;
  if (!sender) {
    if (config.twilio) {
      sender = new TwilioCodeSender({
        accountSid: config.twilio.accountSid,
        authToken: config.twilio.authToken,
        from: config.twilio.fromNumber,
        logger,
        clock,
        webOtpHost,
        voiceRepeat: setup.voiceRepeatUrl ? { url: setup.voiceRepeatUrl, tokens: repeatTokens } : undefined,
        callbacks,
        apiBaseUrl: setup.twilioApiBaseUrl,
      });
    } else if (config.nodeEnv !== 'development' || config.microsoftApp.id || config.directory.graph) {
      throw new Error('Twilio must be configured: the dev outbox is only for NODE_ENV=development without MICROSOFT_APP_ID or Microsoft Graph');
    } else {
      outbox = new DevOutbox({ clock, logger, webOtpHost, callbacks });
      sender = outbox;
      logger.warn('Verification: Twilio is not configured; codes go to the in-memory dev outbox');
    }
  }
  const service = new VerificationService({
    store,
    sender,
    audit,
    clock,
    secret,
    logger,
    ttlSeconds: config.verification.ttlSeconds,
    limits: {
      maxSendsPerHour: config.verification.maxSendsPerHour,
      teamsReservePerHour: config.verification.teamsReservePerHour,
      maxWebchatSendsPerHour: config.verification.webchatSendsPerHour,
      maxVoiceSendsPerHour: config.verification.voiceSendsPerHour,
      maxSendsPerSourcePerHour: config.verification.sendsPerSourcePerHour,
      maxSendsPerAddressPerHour: config.verification.sendsPerAddressPerHour,
      maxSendsPerDestinationPerDay: config.verification.sendsPerNumberPerDay,
      failuresBeforeBackoff: config.verification.failuresBeforeBackoff,
      backoffStepsMs: config.verification.backoffMinutes.map((m) => m * 60_000),
      noticeIntervalMs: config.verification.noticeIntervalMinutes * 60_000,
    },
    notices: noticeSenderOf(sender),
    alarm,
  });
  const lookups = new LookupLimiter({ store, clock, audit });
  const sessions = new VerificationSessions({ store, clock });
  const callbacksAvailable = outbox !== undefined || setup.publicBaseUrl !== undefined;
  return { service, lookups, sessions, audit, sender, outbox, repeatTokens, callbacks, callbacksAvailable, alarm };
}
