// The bytes of an image a webview exported, checked before they are written: a PNG must start
// with the PNG signature, an SVG with an <svg> element. The webview's message was already checked
// against its schema; this looks at what the data decodes to. No vscode here, so unit tests run it.
import type { ImageFormat } from '../../webviews/shared/protocol';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const SVG_START = /^\s*(<\?xml[^>]*>\s*)?<svg[\s>/]/;

/** Why the data cannot be saved as the format it claims. */
export type ImageProblem = 'not-png' | 'not-svg';

/** The file's bytes: a PNG from base64, an SVG as UTF-8 text; or what is wrong with the data. */
export function imageFileBytes(format: ImageFormat, data: string): Uint8Array | ImageProblem {
  if (format === 'svg') return SVG_START.test(data) ? Buffer.from(data, 'utf8') : 'not-svg';
  const bytes = Buffer.from(data, 'base64');
  return bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE) ? bytes : 'not-png';
}
