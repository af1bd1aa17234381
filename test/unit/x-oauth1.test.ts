/**
 * OAuth 1.0a signing against published vectors: RFC 5849's section 3.4.1 base string, its section 1.2
 * HMAC-SHA1 example, and X's "Creating a signature" walk-through.
 */
import { describe, expect, it } from '@jest/globals';

import {
	baseStringUri,
	hmacSha1Signature,
	normalizeParameters,
	oauth1Header,
	parseFormEncoded,
	percentEncode,
	signatureBaseString,
} from '../../nodes/platforms/x/oauth1';

describe('RFC 5849', () => {
	it('section 3.4.1: the signature base string of the example request (query with encoded values, form body)', () => {
		const url = new URL('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b');
		const params = [
			...parseFormEncoded(url.search.slice(1)),
			...parseFormEncoded('c2&a3=2+q'),
			['oauth_consumer_key', '9djdj82h48djs9d2'],
			['oauth_token', 'kkk9d7dh3k39sjv7'],
			['oauth_signature_method', 'HMAC-SHA1'],
			['oauth_timestamp', '137131201'],
			['oauth_nonce', '7d8f3e4a'],
		] as Array<[string, string]>;
		expect(signatureBaseString('POST', url, params)).toBe('POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7');
	});

	it('section 3.4.1.2: scheme and host in lower case, default port dropped, other port kept', () => {
		expect(baseStringUri(new URL('HTTP://EXAMPLE.COM:80/r%20v/X?id=123'))).toBe('http://example.com/r%20v/X');
		expect(baseStringUri(new URL('https://www.example.net:8080/?q=1'))).toBe('https://www.example.net:8080/');
	});

	it('section 1.2: HMAC-SHA1 of the photos request', () => {
		const url = new URL('http://photos.example.net/photos?file=vacation.jpg&size=original');
		const params = [
			...parseFormEncoded(url.search.slice(1)),
			['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
			['oauth_token', 'nnch734d00sl2jdk'],
			['oauth_signature_method', 'HMAC-SHA1'],
			['oauth_timestamp', '137131202'],
			['oauth_nonce', 'chapoH'],
		] as Array<[string, string]>;
		expect(hmacSha1Signature(signatureBaseString('GET', url, params), 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
	});

	it('percent-encoding keeps only unreserved characters and writes hex in upper case', () => {
		expect(percentEncode("Ladies + Gentlemen, a signed OAuth request!*()'~-._")).toBe("Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21%2A%28%29%27~-._");
		expect(percentEncode('☃')).toBe('%E2%98%83');
	});

	it('parameters sort by encoded name, then by value', () => {
		expect(normalizeParameters([['b', '2'], ['a', '2'], ['a', '1'], ['a b', 'x']])).toBe('a=1&a=2&a%20b=x&b=2');
	});
});

describe("X's signature example", () => {
	const keys = {
		consumerKey: 'xvz1evFS4wEEPTGEFPHBog',
		consumerSecret: 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
		token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
		tokenSecret: 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
	};
	const nonce = 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg';
	const timestamp = '1318622958';

	it('the base string and the signature hCtSmYh+iHYCEqBWrE7C7hYmtUk=', () => {
		const url = new URL('https://api.twitter.com/1.1/statuses/update.json?include_entities=true');
		const params = [
			...parseFormEncoded(url.search.slice(1)),
			['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'],
			['oauth_consumer_key', keys.consumerKey],
			['oauth_nonce', nonce],
			['oauth_signature_method', 'HMAC-SHA1'],
			['oauth_timestamp', timestamp],
			['oauth_token', keys.token],
			['oauth_version', '1.0'],
		] as Array<[string, string]>;
		const base = signatureBaseString('POST', url, params);
		expect(base).toBe('POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521');
		expect(hmacSha1Signature(base, keys.consumerSecret, keys.tokenSecret)).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
	});

	it('oauth1Header: the same request gives the same header, signature percent-encoded', () => {
		const header = oauth1Header({
			method: 'post',
			url: 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true',
			params: [['status', 'Hello Ladies + Gentlemen, a signed OAuth request!']],
			keys,
			nonce,
			timestamp,
		});
		expect(header).toBe('OAuth oauth_consumer_key="xvz1evFS4wEEPTGEFPHBog", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", oauth_version="1.0", oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"');
	});

	it('a fresh nonce and the current time when not given', () => {
		const a = oauth1Header({ method: 'GET', url: 'https://api.x.com/2/users/me', params: [], keys });
		const b = oauth1Header({ method: 'GET', url: 'https://api.x.com/2/users/me', params: [], keys });
		const nonceOf = (h: string) => /oauth_nonce="([^"]+)"/.exec(h)?.[1];
		expect(nonceOf(a)).not.toBe(nonceOf(b));
		const ts = Number(/oauth_timestamp="(\d+)"/.exec(a)?.[1]);
		expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
	});
});
