import type { Request, Response, Server } from 'restify';
import type { DevOutbox } from '../verification/devOutbox';

/**
 * `GET /dev/outbox?to=+44…`: the messages the dev outbox kept instead of sending them, newest
 * first, as a JSON array. Installed only when codes go to the dev outbox (never in production).
 * A `+` in the query may arrive decoded as a space, so numbers are matched on their digits.
 */
export function devOutboxRoute(outbox: DevOutbox) {
  return (server: Server): void => {
    server.get('/dev/outbox', async (req: Request, res: Response) => {
      const query: unknown = req.query;
      const to = query && typeof query === 'object' ? (query as Record<string, unknown>).to : undefined;
      if (to !== undefined && (typeof to !== 'string' || !/^[+\s]?[\d\s]{4,20}$/.test(to))) {
        res.send(400, { error: 'invalid_request', message: 'to must be a phone number in E.164 form, e.g. +447700900101', fields: [{ field: 'to', message: 'expects an E.164 phone number' }] });
        return;
      }
      const digits = typeof to === 'string' ? to.replace(/\D/g, '') : undefined;
      const messages = outbox.list().filter((m) => digits === undefined || m.to.replace(/\D/g, '') === digits);
      res.send(200, messages);
    });
  };
}
