import type { Request, Response, Server } from 'restify';
import twilio from 'twilio';
import type { Logger } from '../../logger';
import { redact } from '../../logger';
import type { RouteInstaller, TurnRunner } from '../../server';
import { isTicketId } from '../../tickets/model';
import type { TicketService } from '../../tickets/ticketService';
import { DEFAULT_VOICE } from '../../verification/codeText';
import { formParams, signatureProblem, type TwilioWebhookAuth } from './twilioWebhook';
import { apologyTwiml, spokenText, VOICE_LANGUAGE } from './twiml';
import { CALL_SID_PATTERN, type VoiceAdapter, type VoiceTurnInput } from './voiceAdapter';

/** Paths of the phone line's webhooks. */
/** How the whisper says a verification method. */
const VERIFIED_BY: Readonly<Record<'sms' | 'voice' | 'callback', string>> = { sms: 'text message', voice: 'voice call', callback: 'call-back' };

export const VOICE_PATHS = {
  /** Twilio's "A call comes in" webhook. */
  incoming: '/api/voice',
  /** Where each `<Gather>` posts the caller's answer. */
  gather: '/api/voice/gather',
  /** Twilio's call status callback. */
  status: '/api/voice/status',
  /** Played to the agent before a transferred call connects. */
  whisper: '/api/voice/whisper',
} as const;

/** Dependencies of {@link voiceRoutes}. */
export interface VoiceRoutesDeps {
  readonly adapter: VoiceAdapter;
  readonly bot: TurnRunner;
  readonly auth: TwilioWebhookAuth;
  readonly tickets: TicketService;
  readonly logger: Logger;
  readonly helpdeskNumber?: string;
  /** Builds the whisper URL for a ticket (or none). */
  readonly whisperUrl: (ticketId?: string) => string;
}

/** The URL of a phone-line path: absolute under `publicBaseUrl` when known, else the path alone (Twilio resolves it against the call's URL). */
export function voiceUrl(publicBaseUrl: string | undefined, path: string, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `${publicBaseUrl ?? ''}${path}${search ? `?${search}` : ''}`;
}

/**
 * Answers with TwiML. For a turn, `startedAt` (from `performance.now()`) adds a `Server-Timing`
 * header with the milliseconds the server spent on it, which the benchmark reads.
 */
function sendTwiml(res: Response, twiml: string, startedAt?: number): void {
  if (startedAt !== undefined) res.header('Server-Timing', `turn;dur=${(performance.now() - startedAt).toFixed(2)}`);
  res.header('content-type', 'text/xml; charset=utf-8');
  res.header('Cache-Control', 'no-store');
  res.sendRaw(200, twiml);
}

/** TwiML of a bare `<Response/>`: what status callbacks get. */
function emptyTwiml(): string {
  return new twilio.twiml.VoiceResponse().toString();
}

/**
 * The phone line's webhooks: `POST /api/voice` (a call comes in: the greeting),
 * `POST /api/voice/gather` (the caller's answer), `POST /api/voice/status` (call status) and
 * `POST /api/voice/whisper` (what the agent hears before a transfer connects). Bodies are
 * form-encoded as Twilio sends them. A request without a valid `X-Twilio-Signature` gets 403
 * and a log line saying why. Anything else always gets 200 with valid TwiML: whatever fails,
 * the caller hears a short apology and is put through or promised a call back.
 */
export function voiceRoutes(deps: VoiceRoutesDeps): RouteInstaller {
  const { logger } = deps;

  /** Checks the signature; on failure answers 403 and returns undefined. */
  const accepted = (req: Request, res: Response): Record<string, string> | undefined => {
    const params = formParams(req.body);
    const problem = signatureProblem(req, params, deps.auth);
    if (problem) {
      logger.warn({ path: req.path(), why: problem }, 'voice webhook refused');
      res.send(403, { error: 'forbidden', message: 'A valid X-Twilio-Signature is required.' });
      return undefined;
    }
    return params;
  };

  const turn = (kind: VoiceTurnInput['kind']) => async (req: Request, res: Response) => {
    const startedAt = performance.now();
    const params = accepted(req, res);
    if (!params) return;
    const callSid = params.CallSid ?? '';
    if (!CALL_SID_PATTERN.test(callSid)) {
      logger.warn({ path: req.path() }, 'voice webhook without a valid CallSid');
      sendTwiml(res, apologyTwiml(undefined, deps.whisperUrl()));
      return;
    }
    const input: VoiceTurnInput = { callSid, kind, from: params.From, speech: params.SpeechResult, digits: params.Digits };
    let twiml: string;
    try {
      twiml = await deps.adapter.processCall(input, async (context) => {
        await deps.bot.run(context);
      });
    } catch (err) {
      deps.adapter.logFailure(err, input, 'voice turn failed; the caller hears an apology');
      twiml = apologyTwiml(deps.helpdeskNumber, deps.whisperUrl());
    }
    sendTwiml(res, twiml, startedAt);
  };

  return (server: Server) => {
    server.post(VOICE_PATHS.incoming, turn('start'));
    server.post(VOICE_PATHS.gather, turn('input'));

    server.post(VOICE_PATHS.status, async (req: Request, res: Response) => {
      const params = accepted(req, res);
      if (!params) return;
      logger.info({ callSid: params.CallSid, callStatus: params.CallStatus, duration: params.CallDuration }, 'voice: call status');
      sendTwiml(res, emptyTwiml());
    });

    server.post(VOICE_PATHS.whisper, async (req: Request, res: Response) => {
      const params = accepted(req, res);
      if (!params) return;
      const query: unknown = req.query;
      const id = query && typeof query === 'object' ? (query as Record<string, unknown>).ticket : undefined;
      let text = 'Helpdesk call from the MFA phone line. No ticket could be opened, so treat the caller as not verified.';
      if (isTicketId(id)) {
        try {
          const ticket = await deps.tickets.get(id);
          const how = ticket?.verification.verified
            ? `The caller's identity was verified by ${VERIFIED_BY[ticket.verification.method]} to a number on record.`
            : "The caller's identity is NOT verified: use Verify by call-back before changing anything.";
          text = ticket ? `Helpdesk call from the MFA phone line, ticket ${ticket.id}. ${how}` : `Helpdesk call from the MFA phone line, ticket ${id}. Check the ticket before acting.`;
        } catch (err) {
          logger.warn({ err: redact(err), ticketId: id }, 'voice whisper: could not read the ticket');
          text = `Helpdesk call from the MFA phone line, ticket ${id}. Check the ticket for whether the caller was verified.`;
        }
      }
      const response = new twilio.twiml.VoiceResponse();
      response.say({ language: VOICE_LANGUAGE, voice: DEFAULT_VOICE }, spokenText(text));
      sendTwiml(res, response.toString());
    });
  };
}
