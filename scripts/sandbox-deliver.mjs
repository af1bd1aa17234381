#!/usr/bin/env node
// `npm run sandbox:deliver -- [options]`: makes the running sandbox (`npm start`) send a signed webhook
// delivery to n8n, as Meta (or Ayrshare) would when someone writes to the Page or the Instagram account,
// or as X's Activity API does when someone writes to the X account, then prints n8n's answer and what
// the workflow sent back through the sandbox.
//
//   --provider meta|ayrshare            default meta (for X: X's own API); ayrshare: Ayrshare's `messages`
//                                       webhook, signed with the profile's secret, retried when not
//                                       acknowledged, after Ayrshare's own auto-response (message events only)
//   --platform messenger|instagram|x    default messenger (x without --provider: needs an active X trigger
//                                       on the sandbox's X credential)
//   --event message|quick_reply|postback   default message (X and Ayrshare: message only)
//   --text "..."                        the message text (quick reply: the button's title)
//   --payload VALUE                     quick reply / postback payload (e.g. PRICING, PLAN_GROWTH)
//   --title "..."                       postback button title
//   --from alice|bob|ines|kenji|<id>    the sender (default alice on Messenger, ines on Instagram;
//                                       X: alice|bob|carol|erin; Ayrshare: john, sara, maria (Instagram), xdevs (X))
//   --signature valid|wrong|missing|tampered   default valid; the others are forged deliveries
//   --wait SECONDS                      how long to watch for replies (default 5)
//
// Env: SANDBOX_CONTROL_PORT (8089).
import { readFileSync } from 'node:fs';
import { controlUrl, readState } from './demo/config.mjs';

const usage = () =>
	readFileSync(new URL(import.meta.url), 'utf8')
		.split('\n')
		.filter((l) => l.startsWith('//'))
		.map((l) => l.slice(3))
		.join('\n');

function parseArgs(argv) {
	const args = { wait: 5 };
	const names = ['provider', 'platform', 'event', 'text', 'payload', 'title', 'from', 'signature', 'wait'];
	for (let i = 0; i < argv.length; i++) {
		const name = argv[i].replace(/^--/, '');
		if (name === 'help' || name === 'h') return { help: true };
		if (!argv[i].startsWith('--') || !names.includes(name)) throw new Error(`Unknown argument "${argv[i]}"`);
		if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
		args[name] = argv[++i];
	}
	const oneOf = (name, allowed) => {
		if (args[name] !== undefined && !allowed.includes(args[name])) throw new Error(`--${name} must be one of ${allowed.join(', ')}`);
	};
	oneOf('provider', ['meta', 'ayrshare']);
	const ayrshare = args.provider === 'ayrshare';
	oneOf('platform', ['messenger', 'instagram', 'x']);
	if (ayrshare && args.event !== undefined && args.event !== 'message') throw new Error('--provider ayrshare delivers message events only');
	if (args.platform === 'x' && args.event && args.event !== 'message') throw new Error('X delivers messages only: leave out --event');
	oneOf('event', ['message', 'quick_reply', 'postback']);
	oneOf('signature', ['valid', 'wrong', 'missing', 'tampered']);
	args.wait = Number(args.wait);
	if (!(args.wait >= 0)) throw new Error('--wait must be a number of seconds');
	return args;
}

async function control(method, path, body) {
	let res;
	try {
		res = await fetch(`${controlUrl}${path}`, {
			method,
			headers: body ? { 'content-type': 'application/json' } : {},
			body: body ? JSON.stringify(body) : undefined,
		});
	} catch (error) {
		throw new Error(`The sandbox does not answer at ${controlUrl} (${error.cause?.code ?? error.message}). Start the demo first: npm start`);
	}
	const json = await res.json();
	if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${json.error ?? JSON.stringify(json)}`);
	return json;
}

/** One line per message n8n sent through the Send API. */
function describeSend(request) {
	const body = request.body ?? {};
	// Ayrshare: POST /messages/{facebook|instagram|twitter} {recipientId | conversationId, message, mediaUrls}
	if (body.recipientId !== undefined || body.conversationId !== undefined) {
		const media = Array.isArray(body.mediaUrls) ? `, media: ${body.mediaUrls.join(' ')}` : '';
		return `to ${body.recipientId ?? body.conversationId}: "${body.message ?? ''}"${media}`;
	}
	// X: POST /2/dm_conversations/with/{id}/messages (or /{conversation}/messages) with {text, attachments}.
	const xSend = /^\/2\/dm_conversations\/(?:with\/)?([^/]+)\/messages$/.exec(request.path);
	if (xSend) return `to ${xSend[1]}: ${body.text !== undefined ? `"${body.text}"` : ''}${body.attachments ? ' with media' : ''}`;
	const message = typeof body.message === 'string' ? safeJson(body.message) : body.message;
	const recipient = typeof body.recipient === 'string' ? safeJson(body.recipient) : body.recipient;
	const to = recipient?.id ?? JSON.stringify(recipient);
	if (body.sender_action) return `${body.sender_action} for ${to}`;
	if (!message) return `${request.method} ${request.path}`;
	const parts = [];
	if (message.text) parts.push(`"${message.text}"`);
	const payload = message.attachment?.payload;
	if (payload?.template_type === 'generic') {
		parts.push(`generic template: ${payload.elements.map((e) => `[${e.title}${e.buttons ? `: ${e.buttons.map((b) => b.title).join(', ')}` : ''}]`).join(' ')}`);
	} else if (payload?.template_type === 'receipt') {
		parts.push(`receipt ${payload.order_number}: ${payload.elements?.length ?? 0} items, total ${payload.summary?.total_cost} ${payload.currency}`);
	} else if (payload?.template_type) {
		parts.push(`${payload.template_type} template`);
	} else if (message.attachment) {
		parts.push(`${message.attachment.type} attachment`);
	}
	if (message.quick_replies) parts.push(`quick replies: ${message.quick_replies.map((q) => q.title ?? q.content_type).join(' / ')}`);
	return `to ${to}: ${parts.join(', ')}`;
}

function safeJson(text) {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) return console.log(usage());
	const { wait, provider = 'meta', ...rest } = args;
	const ayrshare = provider === 'ayrshare';
	const request = ayrshare ? { ...rest, provider } : rest;
	const platform = request.platform ?? 'messenger';
	const scope = ayrshare ? '&provider=ayrshare' : platform === 'x' ? '&platform=x' : '';
	const requestsPath = (since) => `/requests?since=${since}${scope}`;

	const before = (await control('GET', requestsPath(999999999))).total;
	const result = await control('POST', '/deliver', request);
	if (!result.delivered) {
		console.log(`The sandbox sent nothing: ${result.reason}.`);
		console.log(ayrshare ? 'Is the Ayrshare support desk workflow active? (npm start activates it.)' : 'Is the trigger workflow for this platform active? (npm start activates one for each: Messenger, Instagram, X.)');
		process.exitCode = 1;
		return;
	}
	const sent = Buffer.from(result.result.sentBody.data).toString('utf8');
	const signature = request.signature ?? 'valid';
	console.log(`Delivered a ${request.event ?? 'message'} event (${ayrshare ? 'Ayrshare, ' : ''}${platform}, signature: ${signature}), ${sent.length} bytes.`);
	if (result.autoResponse) console.log(`  Ayrshare auto-responded to ${result.autoResponse.recipientId}: "${result.autoResponse.text}"`);
	if (result.attempts?.length > 1) console.log(`  Ayrshare delivered ${result.attempts.length} times (answers: ${result.attempts.map((a) => a.status ?? a.error).join(', ')})`);
	console.log(`n8n answered ${result.result.status}${result.result.body ? `: ${result.result.body.slice(0, 200)}` : ''}`);
	if (signature !== 'valid') {
		console.log(result.result.status >= 400 ? 'Refused, as it should be: no execution starts.' : 'n8n accepted a forged delivery!');
		return;
	}

	// What the workflow does shows up as requests to the fake Graph (or X) API.
	const seen = new Set();
	const deadline = Date.now() + wait * 1000;
	let quietSince = Date.now();
	while (Date.now() < deadline) {
		const { requests } = await control('GET', requestsPath(before));
		const fresh = requests.map((r, i) => ({ ...r, index: before + i })).filter((r) => !seen.has(r.index));
		for (const r of fresh) {
			seen.add(r.index);
			quietSince = Date.now();
			const isSend = r.method === 'POST' && (ayrshare ? /^\/messages\/(facebook|instagram|twitter)$/ : /\/messages$/).test(r.path);
			console.log(`  n8n -> sandbox: ${isSend ? describeSend(r) : `${r.method} ${r.path}`}${r.status && r.status >= 400 ? ` (answered ${r.status})` : ''}`);
		}
		// Stop once the workflow has been quiet for a moment after doing something.
		if (seen.size > 0 && Date.now() - quietSince > 1500) break;
		await sleep(250);
	}
	if (seen.size === 0) console.log(`  (the workflow made no calls to the platform within ${wait} s)`);

	const state = readState();
	const key = ayrshare ? 'supportAyrshare' : { instagram: 'lead', messenger: 'support', x: 'xLead' }[platform];
	const workflow = key ? state?.workflows?.[key] : undefined;
	if (workflow) console.log(`Executions: ${state.editorUrl}/workflow/${workflow.id}/executions`);
}

main().catch((error) => {
	console.error(error.message);
	process.exit(1);
});
