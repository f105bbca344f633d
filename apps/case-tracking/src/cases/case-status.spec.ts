import { allowedNext, isAllowedTransition, isClosed, isPaused } from './case-status';

describe('case statuses (the national portal 1–10)', () => {
  it('allows exactly the moves of the table', () => {
    // Written out by hand from the table's comment, not derived from the code under test.
    const expected: Record<number, number[]> = { 1: [2, 3, 7], 2: [4, 5, 6, 7, 8, 9], 3: [], 4: [5, 6, 7, 8, 9], 5: [4, 7, 8], 6: [4, 7, 8, 9], 7: [], 8: [4, 7], 9: [10], 10: [] };
    for (let from = 1; from <= 10; from++) {
      for (let to = 1; to <= 10; to++) {
        expect([from, to, isAllowedTransition(from as never, to as never)]).toEqual([from, to, expected[from]!.includes(to)]);
      }
    }
  });

  it('closes 3, 7 and 10, and pauses the clock at 5, 6 and 8', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter((s) => isClosed(s as never))).toEqual([3, 7, 10]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter((s) => isPaused(s as never))).toEqual([5, 6, 8]);
    expect(allowedNext(10)).toEqual([]);
  });
});
