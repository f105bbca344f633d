/**
 * The 63 provinces and centrally-run cities of 2016–2021 with their GSO numbers, which Circular 07/2016/TT-BCA also
 * uses (written with three digits) as the first part of the 12-digit personal identification number. The 2025
 * mergers are deliberately not modelled: the platform follows the units of its seed reports (DOMAIN.md §5).
 * The numbering has gaps (no 03, 05, …): they were units split or merged before 2008.
 */
export interface Province {
  /** Two-digit GSO number, e.g. `38`. */
  readonly gso: string;
  readonly name: string;
  /** Whether the unit is a centrally-run city ("thành phố"), which changes how addresses are written. */
  readonly city: boolean;
}

const TABLE: ReadonlyArray<readonly [string, string, boolean?]> = [
  ['01', 'Hà Nội', true],
  ['02', 'Hà Giang'],
  ['04', 'Cao Bằng'],
  ['06', 'Bắc Kạn'],
  ['08', 'Tuyên Quang'],
  ['10', 'Lào Cai'],
  ['11', 'Điện Biên'],
  ['12', 'Lai Châu'],
  ['14', 'Sơn La'],
  ['15', 'Yên Bái'],
  ['17', 'Hòa Bình'],
  ['19', 'Thái Nguyên'],
  ['20', 'Lạng Sơn'],
  ['22', 'Quảng Ninh'],
  ['24', 'Bắc Giang'],
  ['25', 'Phú Thọ'],
  ['26', 'Vĩnh Phúc'],
  ['27', 'Bắc Ninh'],
  ['30', 'Hải Dương'],
  ['31', 'Hải Phòng', true],
  ['33', 'Hưng Yên'],
  ['34', 'Thái Bình'],
  ['35', 'Hà Nam'],
  ['36', 'Nam Định'],
  ['37', 'Ninh Bình'],
  ['38', 'Thanh Hóa'],
  ['40', 'Nghệ An'],
  ['42', 'Hà Tĩnh'],
  ['44', 'Quảng Bình'],
  ['45', 'Quảng Trị'],
  ['46', 'Thừa Thiên Huế'],
  ['48', 'Đà Nẵng', true],
  ['49', 'Quảng Nam'],
  ['51', 'Quảng Ngãi'],
  ['52', 'Bình Định'],
  ['54', 'Phú Yên'],
  ['56', 'Khánh Hòa'],
  ['58', 'Ninh Thuận'],
  ['60', 'Bình Thuận'],
  ['62', 'Kon Tum'],
  ['64', 'Gia Lai'],
  ['66', 'Đắk Lắk'],
  ['67', 'Đắk Nông'],
  ['68', 'Lâm Đồng'],
  ['70', 'Bình Phước'],
  ['72', 'Tây Ninh'],
  ['74', 'Bình Dương'],
  ['75', 'Đồng Nai'],
  ['77', 'Bà Rịa - Vũng Tàu'],
  ['79', 'Hồ Chí Minh', true],
  ['80', 'Long An'],
  ['82', 'Tiền Giang'],
  ['83', 'Bến Tre'],
  ['84', 'Trà Vinh'],
  ['86', 'Vĩnh Long'],
  ['87', 'Đồng Tháp'],
  ['89', 'An Giang'],
  ['91', 'Kiên Giang'],
  ['92', 'Cần Thơ', true],
  ['93', 'Hậu Giang'],
  ['94', 'Sóc Trăng'],
  ['95', 'Bạc Liêu'],
  ['96', 'Cà Mau'],
];

export const PROVINCES: readonly Province[] = TABLE.map(([gso, name, city]) => Object.freeze({ gso, name, city: city === true }));

const BY_GSO = new Map(PROVINCES.map((p) => [p.gso, p]));

/** Accepts the two-digit GSO number or the three-digit form of the personal identification number (`038`). */
export function provinceByCode(code: string): Province | undefined {
  if (/^0\d{2}$/.test(code)) return BY_GSO.get(code.slice(1));
  return BY_GSO.get(code);
}

/** "tỉnh Thanh Hóa", "thành phố Hà Nội": how the unit is written at the end of an address. */
export function provinceAddressName(province: Province): string {
  return `${province.city ? 'thành phố' : 'tỉnh'} ${province.name}`;
}
