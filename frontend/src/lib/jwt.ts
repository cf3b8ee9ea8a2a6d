// Reads the claims of our own access token (roles, permissions, expiry) to decide what to show. Display
// only: the server checks every request itself.
export interface AccessClaims {
  sub: string;
  roles: string[];
  perms: string[];
  exp: number;
}

function base64UrlDecode(part: string): string {
  const padded = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export function decodeClaims(token: string): AccessClaims | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const raw = JSON.parse(base64UrlDecode(part)) as Record<string, unknown>;
    const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
    return { sub: String(raw.sub ?? ''), roles: list(raw.roles), perms: list(raw.perms), exp: Number(raw.exp ?? 0) };
  } catch {
    return null;
  }
}
