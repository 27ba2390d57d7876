/**
 * Gives an error class its own `name` (stack traces and `String(err)` say `ConfigError: ...`, not
 * `Error: ...`) and makes `instanceof` recognise it across copies of the library: a program that
 * loads both the ESM and the CommonJS build (a dependency requires one, the program imports the
 * other) has two ConfigError classes, and an error thrown by one must still be a ConfigError to the
 * other. The mark is a registered symbol, which both copies share.
 */
export function nameError(cls: abstract new (...args: never[]) => Error, name: string): void {
  const mark = Symbol.for(`vfio-lint.${name}`);
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  Object.defineProperty(cls.prototype, mark, { value: true });
  const plain = Function.prototype[Symbol.hasInstance];
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: unknown, value: unknown): boolean {
      // A subclass inherits this method; it keeps the ordinary prototype check.
      if (this !== cls) return plain.call(this, value);
      return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[mark] === true;
    },
  });
}
