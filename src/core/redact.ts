/**
 * Redaction of secrets for logs and messages shown to users. SAS URLs carry their signature in the query string
 * (`sig=`), content URLs of the local service too, so a URL is only ever logged without its query.
 */

/**
 * A URL safe to log: no query string (SAS tokens, signatures), no fragment, no user info. Something that does not
 * parse as a URL is cut at the first `?` (and `sig=` values are masked) so it still cannot leak a signature.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hadQuery = parsed.search !== '';
    parsed.search = '';
    parsed.hash = '';
    parsed.username = '';
    parsed.password = '';
    return hadQuery ? `${parsed.toString()}?…` : parsed.toString();
  } catch {
    const cut = url.split('?')[0]!;
    return cut.replace(/sig=[^&\s]*/gi, 'sig=…');
  }
}

/** Replaces every occurrence of the given secrets in a text (messages that might echo a key) with `***`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('***');
  }
  return result;
}

/** A text with every URL in it cut to its safe form (no query string: SAS signatures, no credentials). */
export function redactUrlsIn(text: string): string {
  return text.replace(/https?:\/\/[^\s"'<>]+/g, (url) => redactUrl(url));
}
