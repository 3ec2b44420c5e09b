// Which of a participant's headers travel on to the sandbox API server.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Headers that belong to one connection, not to the request (RFC 9110 §7.6.1), plus the caller's credentials. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'authorization',
  'impersonate-user',
  'impersonate-group',
  'impersonate-uid',
]);

export function forwardableHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return Object.fromEntries(
    Object.entries(headers).filter(([key]) => !HOP_BY_HOP.has(key.toLowerCase()) && !key.toLowerCase().startsWith('impersonate-extra-')),
  );
}
