import type { Request, Response, Server } from 'restify';
import type { DevOutbox } from '../verification/devOutbox';

/** Whether a remote address is this machine (IPv4 127.0.0.0/8 or IPv6 ::1, plain or mapped). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.replace(/^::ffff:/i, '');
  return plain === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}

/**
 * `GET /dev/outbox?to=+44…`: the messages the dev outbox kept instead of sending them, newest
 * first, as a JSON array. Installed only when codes go to the dev outbox (never in production),
 * and answered only to requests from this machine.
 * A `+` in the query may arrive decoded as a space, so numbers are matched on their digits.
 */
export function devOutboxRoute(outbox: DevOutbox) {
  return (server: Server): void => {
    server.get('/dev/outbox', async (req: Request, res: Response) => {
      // The outbox holds live codes: only this machine may read it, even if the server listens more widely.
      if (!isLoopback(req.socket?.remoteAddress)) {
        res.send(404, { error: 'not_found', message: 'There is nothing at this path.' });
        return;
      }
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
