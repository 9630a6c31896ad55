import type { Request, Response, Server } from 'restify';
import twilio from 'twilio';
import type { Logger } from '../../logger';
import type { RouteInstaller, TurnRunner } from '../../server';
import type { CallbackVerification } from '../../tickets/callbackVerification';
import type { CallbackOutcome } from '../../tickets/model';
import { DEFAULT_VOICE } from '../../verification/codeText';
import { CALLBACK_ANSWER_PATH, CALLBACK_KEY_PATH, CALLBACK_STATUS_PATH, type CallbackCalls, type CallbackTicket } from '../../verification/callbackCalls';
import { formParams, signatureProblem, type TwilioWebhookAuth } from './twilioWebhook';
import { apologyTwiml, renderTwiml, VOICE_LANGUAGE } from './twiml';
import { CALL_SID_PATTERN, type VoiceAdapter } from './voiceAdapter';

/** Dependencies of {@link callbackRoutes}. */
export interface CallbackRoutesDeps {
  readonly calls: CallbackCalls;
  readonly verification: CallbackVerification;
  readonly adapter: VoiceAdapter;
  readonly bot: TurnRunner;
  readonly auth: TwilioWebhookAuth;
  readonly logger: Logger;
  readonly helpdeskNumber?: string;
  readonly whisperUrl: (ticketId?: string) => string;
}

const SAY = { language: VOICE_LANGUAGE, voice: DEFAULT_VOICE } as const;

/** Call statuses that mean nobody answered. */
const UNANSWERED = new Set(['busy', 'no-answer', 'failed', 'canceled', 'completed']);

const AFTER: Readonly<Record<CallbackOutcome, string>> = {
  verified: 'Thank you. The helpdesk can now carry on with your request. Goodbye.',
  denied: "Thank you for letting us know. We won't act on that request, and our security team has been told. Goodbye.",
  no_answer: "We didn't get an answer, so nothing has been confirmed. Goodbye.",
};

function sendTwiml(res: Response, twiml: string): void {
  res.header('content-type', 'text/xml; charset=utf-8');
  res.header('Cache-Control', 'no-store');
  res.sendRaw(200, twiml);
}

function tokenOf(req: Request): string | undefined {
  const query: unknown = req.query;
  const t = query && typeof query === 'object' ? (query as Record<string, unknown>).t : undefined;
  return typeof t === 'string' ? t : undefined;
}

/**
 * The webhooks of call-backs ("press hash to confirm"): `POST /api/voice/callback?t=…` when the
 * call is answered, `POST /api/voice/callback/key?t=…` with the key pressed, and
 * `POST /api/voice/callback/status?t=…` for the call's status. The sealed `t` says who was
 * called and why; an altered or expired one ends the call. Signatures are checked as for every
 * phone-line webhook, and every other answer is 200 with valid TwiML.
 *
 * An agent's call-back records its outcome on the ticket. A caller's call-back, on #, carries
 * the caller's conversation on in this call, as if they had keyed in the code.
 */
export function callbackRoutes(deps: CallbackRoutesDeps): RouteInstaller {
  const { logger } = deps;

  const guarded =
    (work: (req: Request, params: Record<string, string>, call: CallbackTicket | undefined) => Promise<string>) =>
    async (req: Request, res: Response): Promise<void> => {
      const params = formParams(req.body);
      const problem = signatureProblem(req, params, deps.auth);
      if (problem) {
        logger.warn({ path: req.path(), why: problem }, 'voice webhook refused');
        res.send(403, { error: 'forbidden', message: 'A valid X-Twilio-Signature is required.' });
        return;
      }
      const token = tokenOf(req);
      const call = token ? deps.calls.open(token) : undefined;
      let twiml: string;
      try {
        twiml = await work(req, params, call);
      } catch (err) {
        deps.adapter.logFailure(err, { callSid: params.CallSid ?? '', from: params.To }, 'call-back webhook failed; the callee hears an apology');
        twiml = apologyTwiml(undefined, deps.whisperUrl());
      }
      sendTwiml(res, twiml);
    };

  const expired = (): string => renderTwiml(['This call is no longer needed. Goodbye.'], { kind: 'hangup' });

  return (server: Server) => {
    server.post(
      CALLBACK_ANSWER_PATH,
      guarded(async (req, _params, call) => {
        if (!call) return expired();
        const response = new twilio.twiml.VoiceResponse();
        const gather = response.gather({
          input: ['dtmf'],
          numDigits: 1,
          finishOnKey: '',
          timeout: 8,
          actionOnEmptyResult: true,
          action: deps.calls.url(CALLBACK_KEY_PATH, tokenOf(req) ?? ''),
          method: 'POST',
        });
        const script = deps.calls.script(call);
        gather.say(SAY, script);
        gather.pause({ length: 1 });
        gather.say(SAY, script);
        return response.toString();
      }),
    );

    server.post(
      CALLBACK_KEY_PATH,
      guarded(async (_req, params, call) => {
        if (!call) return expired();
        const digits = (params.Digits ?? '').trim();
        const callSid = params.CallSid ?? '';
        const outcome = await deps.verification.answer(call, digits);
        if (outcome === undefined && digits === '#') return expired();
        if (call.kind === 'caller' && outcome === 'verified' && CALL_SID_PATTERN.test(callSid)) {
          return deps.adapter.continueInCall(callSid, call.conversationId, call.code, async (context) => {
            await deps.bot.run(context);
          });
        }
        return renderTwiml([AFTER[outcome ?? (digits === '9' ? 'denied' : 'no_answer')]], { kind: 'hangup' });
      }),
    );

    server.post(
      CALLBACK_STATUS_PATH,
      guarded(async (_req, params, call) => {
        if (call && UNANSWERED.has(params.CallStatus ?? '')) await deps.verification.noAnswer(call);
        return new twilio.twiml.VoiceResponse().toString();
      }),
    );
  };
}
