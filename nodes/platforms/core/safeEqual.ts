/** Constant-time comparison of secrets and signatures (webhook verification of every provider). */
import { timingSafeEqual } from 'crypto';

/** Compares two strings without leaking where they differ through timing. */
export function safeEqual(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	if (left.length !== right.length) {
		// Still spend the time of a comparison, then fail.
		timingSafeEqual(left, left);
		return false;
	}
	return timingSafeEqual(left, right);
}
