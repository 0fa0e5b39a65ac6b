import { UpstreamError } from '../../errors.js';
import { toSlackUpstreamError } from './slack-errors.js';
import type { WebClient } from './web-client.js';

const CONTEXT = 'while uploading a file to Slack';

/**
 * Slack's external upload: files.getUploadURLExternal gives a URL, the bytes are POSTed there, and
 * files.completeUploadExternal shares the file in the channel (or thread). Fails with UpstreamError('slack').
 */
export async function uploadFile(
  client: WebClient,
  channel: string,
  file: { filename: string; title: string; content: string },
  opts: { threadTs?: string } = {},
): Promise<void> {
  const bytes = Buffer.from(file.content, 'utf8');
  try {
    const target = await client.files.getUploadURLExternal({ filename: file.filename, length: bytes.length });
    if (!target.upload_url || !target.file_id) throw new UpstreamError(`${CONTEXT}: no upload_url in the reply`, { service: 'slack', retryable: false });
    const res = await fetch(target.upload_url, { method: 'POST', body: bytes, headers: { 'content-type': 'text/plain; charset=utf-8' }, signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new UpstreamError(`${CONTEXT}: the upload URL answered ${res.status}`, { service: 'slack', retryable: res.status >= 500 });
    await client.files.completeUploadExternal({
      files: [{ id: target.file_id, title: file.title }],
      channel_id: channel,
      ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}),
    } as Parameters<WebClient['files']['completeUploadExternal']>[0]);
  } catch (e) {
    if (e instanceof UpstreamError) throw e;
    throw toSlackUpstreamError(CONTEXT, e);
  }
}
