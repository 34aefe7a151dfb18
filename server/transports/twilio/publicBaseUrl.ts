import type { Request } from 'express';

/**
 * The URL Twilio used to reach us, without a trailing slash: PUBLIC_URL when
 * set (behind a proxy or tunnel the Host header may not be what Twilio
 * dialled), else the request's Host with the scheme of X-Forwarded-Proto
 * (ngrok, load balancers) or of the socket.
 */
export function publicBaseUrl(req: Request, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const forwarded = req.get('x-forwarded-proto')?.split(',')[0]?.trim();
  const scheme =
    forwarded === 'https' || forwarded === 'http' ? forwarded : req.secure ? 'https' : 'http';
  return `${scheme}://${req.get('host') ?? 'localhost'}`;
}
