/** The auto-response control channel's signature and state: what the trigger accepts and what it keeps. */
import { expect, it } from '@jest/globals';

import type { IDataObject } from 'n8n-workflow';

import { applyControl, effectiveAutoResponse, readControlRequest, signControl, verifyControl } from '../../nodes/platforms/core/autoResponseControl';

const SECRET = 'app-secret-for-control-0001';
const BODY = JSON.stringify({ operation: 'set', active: true, message: 'Closed', waitSeconds: 60 });
const NOW = 1_796_635_800;

it('a signature made now with the same secret is accepted', () => {
	expect(verifyControl(SECRET, Buffer.from(BODY), signControl(SECRET, BODY, NOW), NOW)).toBe(true);
});

it('another secret, another body, a replay after 5 minutes, or a malformed header is refused', () => {
	const header = signControl(SECRET, BODY, NOW);
	expect(verifyControl('another-secret-000000', Buffer.from(BODY), header, NOW)).toBe(false);
	expect(verifyControl(SECRET, Buffer.from(BODY.replace('Closed', 'Open!!')), header, NOW)).toBe(false);
	expect(verifyControl(SECRET, Buffer.from(BODY), header, NOW + 301)).toBe(false);
	expect(verifyControl(SECRET, Buffer.from(BODY), header, NOW + 300)).toBe(true);
	expect(verifyControl(SECRET, Buffer.from(BODY), header.replace('v1=', 'v2='), NOW)).toBe(false);
	expect(verifyControl(SECRET, Buffer.from(BODY), undefined, NOW)).toBe(false);
});

it('the signature is not the plain HMAC of the app secret (the key is derived)', () => {
	const header = signControl(SECRET, BODY, NOW);
	expect(header).not.toContain(SECRET);
	expect(header).toMatch(/^t=1796635800,v1=[0-9a-f]{64}$/);
});

it('Set keeps the text and wait it was not given; Turn Off keeps both; Get changes nothing', () => {
	const staticData: IDataObject = {};
	const at = new Date('2026-12-07T18:00:00Z');
	applyControl(staticData, { operation: 'set', active: true, message: 'Out of office', waitSeconds: 600 }, at);
	applyControl(staticData, { operation: 'set', active: true, waitSeconds: 60 }, at);
	expect(staticData.autoResponseControl).toStrictEqual({ active: true, message: 'Out of office', waitSeconds: 60, setAt: at.toISOString() });
	applyControl(staticData, { operation: 'turnOff' }, at);
	expect(staticData.autoResponseControl).toStrictEqual({ active: false, message: 'Out of office', waitSeconds: 60, setAt: at.toISOString() });
	const before = JSON.stringify(staticData);
	applyControl(staticData, { operation: 'get' }, at);
	expect(JSON.stringify(staticData)).toBe(before);
});

it('the action node\'s setting wins over the trigger fields; a missing text falls back to the fields', () => {
	const fields = { active: false, message: 'Trigger text', waitSeconds: 3600 };
	expect(effectiveAutoResponse(fields, undefined)).toStrictEqual({ ...fields, source: 'trigger fields' });
	expect(effectiveAutoResponse(fields, { active: true, setAt: 'x' })).toStrictEqual({ active: true, message: 'Trigger text', waitSeconds: 3600, source: 'action node' });
});

it('only the three operations are control requests; a blank text is no text', () => {
	expect(readControlRequest({ operation: 'delete' })).toBeUndefined();
	expect(readControlRequest({ operation: 'set' })).toBeUndefined();
	expect(readControlRequest({ operation: 'set', active: true, message: '   ', waitSeconds: -1 })).toStrictEqual({ operation: 'set', active: true });
});
