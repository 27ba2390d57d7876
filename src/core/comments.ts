import type { Range } from './range.js';

/** A comment in a file, with what suppression directives need to know about where it sits. */
export interface CommentContext extends Range {
  body: string;
  /** The next sibling element after the comment (XML). */
  nextElement?: Range;
  /** The element that contains the comment (XML). */
  parentElement?: Range;
}
