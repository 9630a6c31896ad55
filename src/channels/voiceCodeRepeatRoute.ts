import type { Request, Response, Server } from 'restify';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { codeCallTwiml, endCallTwiml } from '../verification/codeText';
import type { VoiceRepeatTokens } from '../verification/voiceRepeat';
import { formParams, publicUrlOf, signatureProblem } from './voice/twilioWebhook';

/** Path Twilio posts to when the callee of a code call presses a key. */
export const VOICE_CODE_REPEAT_PATH = '/api/voice/code-repeat';

/** Dependencies of {@link voiceCodeRepeatRoute}. */
export interface VoiceCodeRepeatDeps {
  /** Public base URL Twilio calls, e.g. `https://bot.example.org`; signatures are checked against it. */
  readonly publicBaseUrl: string;
  readonly authToken: string;
  readonly tokens: VoiceRepeatTokens;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * `POST /api/voice/code-repeat?t=…`: Twilio's callback when the callee presses a key during a
 * code call. Requests without a valid `X-Twilio-Signature` get 403. Pressing 1 reads the code
 * again (from the sealed token in the URL, never from the store) while it is still valid;
 * anything else, or an expired or altered token, ends the call politely.
 */
export function voiceCodeRepeatRoute(deps: VoiceCodeRepeatDeps) {
  return (server: Server): void => {
    server.post(VOICE_CODE_REPEAT_PATH, async (req: Request, res: Response) => {
      const params = formParams(req.body);
      const url = publicUrlOf(req, deps.publicBaseUrl);
      const problem = signatureProblem(req, params, { authToken: deps.authToken, publicBaseUrl: deps.publicBaseUrl });
      if (problem) {
        deps.logger.warn({ path: VOICE_CODE_REPEAT_PATH, why: problem }, 'voice webhook refused');
        res.send(403, { error: 'forbidden', message: 'A valid X-Twilio-Signature is required.' });
        return;
      }
      const query: unknown = req.query;
      const token = query && typeof query === 'object' ? (query as Record<string, unknown>).t : undefined;
      const opened = typeof token === 'string' ? deps.tokens.open(token) : undefined;
      let twiml: string;
      if (params.Digits === '1' && opened) {
        const ttlSeconds = Math.max(1, Math.round((opened.expiresAt - deps.clock.now()) / 1000));
        twiml = codeCallTwiml({ code: opened.code, purpose: opened.purpose, ttlSeconds, repeatAction: url });
      } else if (opened) {
        twiml = endCallTwiml('Thank you. Goodbye.');
      } else {
        twiml = endCallTwiml();
      }
      res.header('content-type', 'text/xml');
      res.sendRaw(200, twiml);
    });
  };
}
