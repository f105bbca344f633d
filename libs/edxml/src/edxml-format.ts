/** The edXML namespace of QCVN 102:2016. */
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** BussinessDocType (the format's spelling): what a document package does. */
export const BusinessDocType = { New: 0, Revoke: 1, Update: 2, Replace: 3 } as const;
export type BusinessDocType = (typeof BusinessDocType)[keyof typeof BusinessDocType];

/** Priority (Độ khẩn). */
export const PRIORITY_MEANINGS: Readonly<Record<number, string>> = {
  0: 'normal',
  1: 'urgent (khẩn)',
  2: 'very urgent (thượng khẩn)',
  3: 'flash (hỏa tốc)',
  4: 'flash at a set time (hỏa tốc hẹn giờ)',
};

/** Business status codes of status packages, and who may send each. */
export const STATUS_CODES = {
  '01': { meaning: 'arrived (Đã đến)', sentBy: 'receiver' },
  '02': { meaning: 'rejected (Từ chối tiếp nhận)', sentBy: 'receiver' },
  '03': { meaning: 'accepted (Đã tiếp nhận)', sentBy: 'receiver' },
  '04': { meaning: 'assigned (Phân công xử lý)', sentBy: 'receiver' },
  '05': { meaning: 'in progress (Đang xử lý)', sentBy: 'receiver' },
  '06': { meaning: 'completed (Hoàn thành)', sentBy: 'receiver' },
  '13': { meaning: 'revoke / take back (Thu hồi, lấy lại)', sentBy: 'sender' },
  '15': { meaning: 'agree to revoke/update (Đồng ý thu hồi/cập nhật)', sentBy: 'receiver' },
  '16': { meaning: 'refuse revoke/update (Từ chối thu hồi/cập nhật)', sentBy: 'receiver' },
} as const;
export type StatusCode = keyof typeof STATUS_CODES;

export function isStatusCode(value: string): value is StatusCode {
  return Object.prototype.hasOwnProperty.call(STATUS_CODES, value);
}

/** `YYYY/MM/DD`: checked for shape only; real identifiers carry dates such as 2014/02/30. */
export const EDXML_DATE = /^\d{4}\/\d{2}\/\d{2}$/;
/** `YYYY/MM/DD HH:mm:ss`, in Vietnam's time (UTC+7, no daylight saving). */
export const EDXML_TIMESTAMP = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/;
/** `{OrganId},{YYYY/MM/DD},{number/notation}`, e.g. `000.00.00.G22,2015/09/30,7816/VPCP-TTĐT`. */
export const DOCUMENT_ID = /^([^,]+),(\d{4}\/\d{2}\/\d{2}),(.+)$/;

const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** A moment as edXML writes it: `YYYY/MM/DD HH:mm:ss` in Vietnam's time. */
export function edxmlTimestamp(at: Date): string {
  const local = new Date(at.getTime() + VIETNAM_OFFSET_MS).toISOString();
  return `${local.slice(0, 4)}/${local.slice(5, 7)}/${local.slice(8, 10)} ${local.slice(11, 19)}`;
}

/** A day as edXML writes it: `YYYY/MM/DD` in Vietnam's time. */
export function edxmlDate(at: Date): string {
  return edxmlTimestamp(at).slice(0, 10);
}
