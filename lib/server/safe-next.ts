const BASE = 'http://ledgerline.invalid';

/**
 * Where to go after signing in: only a path (and query) on this site, never another origin.
 * Browsers strip tabs and newlines from URLs and read `\` as `/`, so `/<TAB>/evil.example` would
 * become `//evil.example`: control characters and backslashes are refused outright, and what is
 * left is parsed against a fixed origin, keeping only its path and query.
 */
export function safeNext(value: string | null | undefined): string {
  // eslint-disable-next-line no-control-regex
  if (!value || !value.startsWith('/') || /[\u0000-\u001f\u007f\\]|%(0[0-9a-f]|1[0-9a-f]|7f|5c)/i.test(value)) return '/';
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return '/';
  }
  // Dot segments can normalise `/.//x` into `//x`, a protocol-relative URL when sent as Location.
  if (url.origin !== BASE || url.pathname.startsWith('//') || /^\/%2f/i.test(url.pathname)) return '/';
  const path = url.pathname + url.search;
  if (path.startsWith('/sign-in') || path.startsWith('/api/')) return '/';
  return path;
}
