// The file kinds are the parse layer's vocabulary; this folder is where the input-kind registry grows.
export { FILE_KINDS, isXmlKind, type FileKind } from '../parsers/kinds.js';
