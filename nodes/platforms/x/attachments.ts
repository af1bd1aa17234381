/**
 * Inbound X attachments as files: `GET /2/dm_conversations/media/{dm_id}/{media_id}/{resource_id}` answers
 * the raw bytes of a DM's media to a participant of the conversation. The three ids come from the DM (its
 * event id) and its media URL (`…/dm/{dm_id}/{media_id}/{resource_id}.jpg`, as X's legacy media URLs are
 * built; inferred: the Activity API docs do not spell the attachment out). Bounded in size: the trigger
 * keeps each file in memory until n8n stores it. X's description lists only OAuth 2.0 user tokens for this
 * endpoint: with the shared credential (OAuth 1.0a) X may refuse it, and that refusal is named as such; the X
 * OAuth2 credential (node's Authentication: X OAuth2) is what X asks for.
 */
import type { DownloadedBytes, Transport } from '../core/transport';
import type { AttachmentDownload } from '../provider';
import type { Attachment, MessagingEvent } from '../types';

/** Largest attachment downloaded (X allows DM images up to 5 MB and GIFs up to 15 MB; videos up to 512 MB are not fetched whole). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

const EXTENSIONS: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', mp4: 'video/mp4', mov: 'video/quicktime' };

/** The ids of the download path, from the DM's media URL (or the event and media ids it carries). */
export function mediaPath(event: MessagingEvent, attachment: Attachment): { path: string; fileName: string; extension?: string } | undefined {
	const match = /\/dm\/(\d{1,19})\/(\d{1,19})\/([A-Za-z0-9_-]+)(?:\.([A-Za-z0-9]{1,5}))?(?:[?#]|$)/.exec(attachment.url ?? '');
	if (!match) return undefined;
	const [, dmId, mediaId, resourceId, extension] = match;
	if ((event.messageId && dmId !== event.messageId) || (attachment.id && mediaId !== attachment.id)) return undefined;
	return { path: `/2/dm_conversations/media/${dmId}/${mediaId}/${resourceId}`, fileName: extension ? `${resourceId}.${extension}` : resourceId, extension: extension?.toLowerCase() };
}

const OAUTH2_ONLY =
	'X refused the credential\'s OAuth 1.0a user context for the media download: X\'s API description lists only OAuth 2.0 user tokens (scope dm.read) for GET /2/dm_conversations/media/…, which this credential does not have. Choose Authentication: X OAuth2 on the trigger to download attachments. The attachment\'s URL is kept.';

function reasonOf(error: unknown): string {
	const context = (error as { context?: { platformErrorCode?: unknown } }).context;
	if (/unsupported.authentication/i.test(`${String(context?.platformErrorCode ?? '')} ${(error as Error).message}`)) return OAUTH2_ONLY;
	const description = (error as { description?: unknown }).description;
	return [(error as Error).message, typeof description === 'string' ? description : ''].filter(Boolean).join(': ');
}

/** Each attachment of the event downloaded, or why not; never throws. */
export async function downloadAttachments(transport: Transport, event: MessagingEvent, maxBytes = MAX_ATTACHMENT_BYTES): Promise<AttachmentDownload[]> {
	const results: AttachmentDownload[] = [];
	for (const attachment of event.attachments) {
		const target = mediaPath(event, attachment);
		if (!target) {
			results.push({ error: 'X gave no media URL of the form …/dm/{dm_id}/{media_id}/{resource_id} to download the attachment from' });
			continue;
		}
		try {
			const file = await transport.request<DownloadedBytes>({ method: 'GET', path: target.path, idempotent: true, download: { maxBytes } });
			const declared = file.contentType && file.contentType !== 'application/octet-stream' ? file.contentType : undefined;
			const mimeType = declared ?? (target.extension ? EXTENSIONS[target.extension] : undefined);
			results.push({ data: file.bytes, fileName: target.fileName, ...(mimeType ? { mimeType } : {}) });
		} catch (error) {
			results.push({ error: reasonOf(error) });
		}
	}
	return results;
}
