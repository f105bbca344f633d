/**
 * The national public-service portal's case statuses (DOMAIN.md §4), which every one-stop-shop system reports in,
 * and the moves between them this platform accepts.
 */
export const CASE_STATUSES = {
  1: { name: 'Mới đăng ký', portal: 'receiving' },
  2: { name: 'Đã tiếp nhận', portal: 'new' },
  3: { name: 'Không được tiếp nhận', portal: 'denied' },
  4: { name: 'Đang xử lý', portal: 'processing' },
  5: { name: 'Yêu cầu bổ sung giấy tờ', portal: 'waiting' },
  6: { name: 'Yêu cầu thực hiện nghĩa vụ tài chính', portal: 'paying' },
  7: { name: 'Công dân yêu cầu rút hồ sơ', portal: 'cancelled' },
  8: { name: 'Dừng xử lý', portal: 'unresolved' },
  9: { name: 'Đã xử lý xong', portal: 'releasing' },
  10: { name: 'Đã trả kết quả', portal: 'done' },
} as const;

export type CaseStatus = keyof typeof CASE_STATUSES;

export function isCaseStatus(value: unknown): value is CaseStatus {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10;
}

/**
 * Where each status may go. An online submission (1) is accepted or refused; an accepted case (2) is worked on, or
 * paused for papers (5) or fees (6), or stopped (8), or finished at once (9, e.g. a certified copy made at the desk);
 * a paused case resumes (4) or ends; the result (9) is handed back (10). The citizen may withdraw (7) until the
 * result exists. 3, 7 and 10 end a case.
 */
const ALLOWED: Record<CaseStatus, readonly CaseStatus[]> = {
  1: [2, 3, 7],
  2: [4, 5, 6, 7, 8, 9],
  3: [],
  4: [5, 6, 7, 8, 9],
  5: [4, 7, 8],
  6: [4, 7, 8, 9],
  7: [],
  8: [4, 7],
  9: [10],
  10: [],
};

export function allowedNext(from: CaseStatus): readonly CaseStatus[] {
  return ALLOWED[from];
}

export function isAllowedTransition(from: CaseStatus, to: CaseStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** The clock stops while the case waits for the citizen (papers, fees) or is stopped (DOMAIN.md §4). */
export function isPaused(status: CaseStatus): boolean {
  return status === 5 || status === 6 || status === 8;
}

/** Processing is over: from here the case is counted as done on time or late. */
export function isFinished(status: CaseStatus): boolean {
  return status === 9 || status === 10;
}

/** No move leaves these. */
export function isClosed(status: CaseStatus): boolean {
  return ALLOWED[status].length === 0;
}

export function describeStatus(status: CaseStatus): string {
  return `${status} (${CASE_STATUSES[status].name})`;
}
