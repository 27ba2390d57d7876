import { describe, it, expect } from 'vitest';
import { firstAbove } from '../../src/core/sorted.js';

describe('firstAbove', () => {
  it('finds the first element greater than the value, as a scan does', () => {
    const lists = [[], [5], [1, 3, 3, 3, 7], [0, 2, 4, 6, 8, 10, 12], Uint32Array.from([2, 2, 9])];
    for (const list of lists) {
      for (let v = -1; v <= 13; v++) {
        const scan = Array.from(list).findIndex((x) => x > v);
        expect(firstAbove(list, v), `${Array.from(list)} > ${v}`).toBe(scan < 0 ? list.length : scan);
      }
    }
  });
});
