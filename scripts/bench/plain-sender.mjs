#!/usr/bin/env node
// Benchmark variant (d): the same Send API requests as the node, from a plain Node script with a fixed
// number in flight (the node's default concurrency). No n8n, no pacing, no retries: the practical floor.
//
//   BENCH_PLAIN='{"url":…,"token":…,"recipients":[…],"count":1000,"concurrency":20,"label":"d"}' node plain-sender.mjs
//
// Prints one JSON line: { wallMs, ok, failed, byStatus, byErrorCode }. wallMs runs from the first request
// to the last answer (Node's own start-up is not included; the caller measures that separately).

const config = JSON.parse(process.env.BENCH_PLAIN ?? '{}');
const { url, token, recipients, count, concurrency, label } = config;
const tag = Date.now().toString(36);

const byStatus = {};
const byErrorCode = {};
let ok = 0;
let failed = 0;

async function sendOne(index) {
	const body = {
		recipient: { id: recipients[index % recipients.length] },
		messaging_type: 'RESPONSE',
		message: { text: `bench ${label} ${tag} #${index}` },
	};
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		const answer = await response.json().catch(() => ({}));
		byStatus[response.status] = (byStatus[response.status] ?? 0) + 1;
		if (response.ok) ok++;
		else {
			failed++;
			const code = answer?.error?.code ?? 'none';
			byErrorCode[code] = (byErrorCode[code] ?? 0) + 1;
		}
	} catch (error) {
		failed++;
		byStatus.network = (byStatus.network ?? 0) + 1;
		byErrorCode[error?.cause?.code ?? 'network'] = (byErrorCode[error?.cause?.code ?? 'network'] ?? 0) + 1;
	}
}

const started = performance.now();
let next = 0;
await Promise.all(
	Array.from({ length: Math.min(concurrency, count) }, async () => {
		while (next < count) await sendOne(next++);
	}),
);
const wallMs = performance.now() - started;
process.stdout.write(`${JSON.stringify({ wallMs, ok, failed, byStatus, byErrorCode })}\n`);
