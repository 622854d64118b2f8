// Typed errors with stable codes. Peers' faults are GdoiErrors; our own invariants use assert.

export class GdoiError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Stable codes of wire decode errors. */
export type DecodeCode =
  | 'TRUNCATED'          // fewer bytes than a field or length needs
  | 'BAD_LENGTH'         // a length field disagrees with the data or the enclosing length
  | 'TRAILING_DATA'      // bytes left over where none may be
  | 'BAD_VALUE'          // a field holds a value the RFC forbids (reserved not zero, bad version)
  | 'BAD_ATTRIBUTE'      // data attribute malformed or of a form the type does not allow
  | 'UNSUPPORTED'        // well-formed but a value this codec does not handle
  | 'TOO_MANY';          // more elements than any sane message has (allocation guard)

/** A wire decode failure: what, where (byte offset into the buffer given to the decoder). */
export class DecodeError extends GdoiError {
  constructor(code: DecodeCode, readonly offset: number, message: string, readonly field?: string) {
    super(code, `${message} at offset ${offset}${field ? ` (${field})` : ''}`);
  }
  declare readonly code: DecodeCode;
}

/** A message that decoded but breaks the exchange's rules (missing payload, wrong order). */
export class VerifyError extends GdoiError {}
/** Authentication failed: bad hash, bad signature, untrusted certificate. */
export class AuthError extends GdoiError {}
/** No acceptable proposal / policy. */
export class PolicyError extends GdoiError {}
/** A message arrived that the exchange's state does not allow. */
export class StateError extends GdoiError {}
/** Bad configuration: names the file and line. */
export class ConfigError extends GdoiError {
  constructor(readonly file: string, readonly line: number, message: string) {
    super('CONFIG', `${file}:${line}: ${message}`);
  }
}
