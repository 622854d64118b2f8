// What a responder keeps of a finished exchange for its retransmit window: the last message it
// received and its answer. A copy of `last` gets `reply` again; anything else is ignored. Much
// smaller than the exchange itself, which a KS would otherwise hold for every registration of
// the last few seconds.
export interface RetransmitCache { last: Buffer; reply?: Buffer }

/** The answer to `bytes` from a finished exchange's cache: the cached reply, or nothing. */
export function answerFromCache(cache: RetransmitCache, bytes: Buffer): Buffer | undefined {
  return cache.reply && bytes.equals(cache.last) ? cache.reply : undefined;
}
