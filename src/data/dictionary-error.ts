/** A dictionary file that is missing, damaged or not the one asked for; the message names it on one line. */
export class DictionaryError extends Error {
  override name = 'DictionaryError';
}
