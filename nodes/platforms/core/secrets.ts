/**
 * Last line of defence against leaking credentials: any known secret, and anything that looks like an
 * access token or appsecret_proof in a URL, is masked before text reaches an error or an output.
 */
const TOKEN_PARAMS = /((?:access_token|appsecret_proof|client_secret|oauth_signature|oauth_token)=)[^&\s"']+/gi;
const BEARER = /(Bearer\s+)[A-Za-z0-9._|~+/=%-]+/g;
/** An OAuth 1.0a Authorization header (X): its token and signature. */
const OAUTH_HEADER_PARAMS = /(oauth_(?:signature|token)=\\?")[^"\\]*/g;

export function scrubSecrets(text: string, secrets: string[] = []): string {
	let result = text.replace(OAUTH_HEADER_PARAMS, '$1***').replace(TOKEN_PARAMS, '$1***').replace(BEARER, '$1***');
	for (const secret of secrets) {
		// Short values (an empty or 1-2 char field) would mask ordinary text.
		if (secret && secret.length >= 6) result = result.split(secret).join('***');
	}
	return result;
}
