// The text of a generation as it grows by one token at a time, without decoding every token again
// at each step: decoding all n tokens per step costs O(n) per token, O(n²) per generation, and for
// the API server's 128-token answers it was the largest cost besides the model itself. As in vLLM's
// incremental detokenizer, each step decodes only a short window of recent tokens, twice:
//   head = decode(ids[prefix..read))   what the window gave before the new tokens
//   tail = decode(ids[prefix..n))      the same window with them
//   text = settled + tail.slice(head.length)        settled = the text of ids[0..read)
// Both decodes start at the same token, so what a decoder does at the start of its input (strip
// SentencePiece's leading space) happens to both and cancels; and the window keeps the tokens of
// the last step, so a character whose bytes span two tokens is decoded whole. The window moves on
// (prefix ← read, read ← n) once the tail's characters are complete (it does not end in U+FFFD).
// If the tail does not begin with the head (a decoder changed text before the new tokens), or the
// ids are not the previous ids and more, everything is decoded again.

export type Decode = (ids: readonly number[]) => string;

/** A decode function with the same results as `decode`, fast when each call's ids extend the previous call's. */
export function incrementalDecode(decode: Decode): Decode {
  let known: readonly number[] = [];
  let prefix = 0;
  let read = 0;
  let settled = '';
  let head = '';
  const restart = (ids: readonly number[]): string => {
    // The window covers all of them once; the next step moves it on.
    const text = decode(ids);
    known = ids;
    prefix = 0;
    read = ids.length;
    settled = head = text;
    return text;
  };
  return (ids) => {
    if (ids.length < read || !startsWith(ids, known, read)) return restart(ids);
    const tail = decode(ids.slice(prefix));
    if (!tail.startsWith(head)) return restart(ids);
    const text = settled + tail.slice(head.length);
    known = ids;
    if (!tail.endsWith('\uFFFD') && ids.length > read) {
      settled = text;
      // A window must start with a token that gives text (not a skipped special token), or the
      // next decode would begin at the new token and lose what the decoder does at a start.
      const next = decode(ids.slice(read));
      if (next) {
        prefix = read;
        head = next;
      } else {
        head = tail;
      }
      read = ids.length;
    }
    return text;
  };
}

/** Whether `ids` begins with the first `count` ids of `known`. */
function startsWith(ids: readonly number[], known: readonly number[], count: number): boolean {
  for (let i = 0; i < count; i++) if (ids[i] !== known[i]) return false;
  return true;
}
