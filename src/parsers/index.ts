/**
 * Parse dispatch lives in the kinds registry (src/kinds): each kind's entry
 * names its parser. These re-exports keep the old import place working.
 */
export { parseByKind, type ParsedAst, type ParseOutput } from '../kinds/index.js';
