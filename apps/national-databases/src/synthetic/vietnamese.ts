import { provinceAddressName, type Province, type Sex } from '@lgsp/identifiers';
import type { Draw } from './draw';

/** Word lists for synthetic people, places and organisations. Invented combinations; any likeness is chance. */
const FAMILY_NAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Vũ', 'Võ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Mai', 'Trịnh', 'Đinh', 'Lương'];
// Nguyễn is about four in ten Vietnamese family names; weighting it keeps the data looking like the real spread.
const FAMILY_WEIGHTS = [38, 11, 9, 7, 5, 2, 4, 4, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1];
const MIDDLE = { male: ['Văn', 'Hữu', 'Đức', 'Minh', 'Quang', 'Công', 'Xuân', 'Thành', 'Đình', 'Anh'], female: ['Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim', 'Minh', 'Phương', 'Bảo', 'Hồng'] };
const GIVEN = {
  male: ['An', 'Bình', 'Cường', 'Dũng', 'Đạt', 'Hải', 'Hiếu', 'Hùng', 'Khoa', 'Long', 'Mạnh', 'Nam', 'Phong', 'Quân', 'Sơn', 'Tài', 'Thắng', 'Toàn', 'Trung', 'Tuấn', 'Việt', 'Vinh'],
  female: ['Anh', 'Bích', 'Chi', 'Dung', 'Giang', 'Hà', 'Hạnh', 'Hoa', 'Hương', 'Lan', 'Linh', 'Mai', 'Ngân', 'Nhung', 'Oanh', 'Phượng', 'Quyên', 'Thảo', 'Trang', 'Vân', 'Xuân', 'Yến'],
};
const PLACE_FIRST = ['Tân', 'Đông', 'Tây', 'Nam', 'Bắc', 'Quảng', 'Hòa', 'Phú', 'Vĩnh', 'An', 'Xuân', 'Thạch', 'Hải', 'Thanh', 'Cẩm', 'Nghĩa', 'Đức', 'Bình', 'Phước', 'Hoằng'];
const PLACE_SECOND = ['Hưng', 'Phong', 'Thịnh', 'Lộc', 'Hải', 'Sơn', 'Thành', 'Lợi', 'Tiến', 'An', 'Hòa', 'Phú', 'Long', 'Trung', 'Tân', 'Định', 'Mỹ', 'Khánh', 'Xuân', 'Lâm'];
const STREET_NAMES = ['Lê Lợi', 'Trần Phú', 'Quang Trung', 'Nguyễn Trãi', 'Hai Bà Trưng', 'Lý Thường Kiệt', 'Phan Chu Trinh', 'Hùng Vương', 'Trần Hưng Đạo', 'Lê Lai'];

export function weightedPick<T>(draw: Draw, items: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let n = draw.int(0, total - 1);
  for (let i = 0; i < items.length; i++) {
    n -= weights[i]!;
    if (n < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

export function personName(draw: Draw, sex: Sex): string {
  return `${weightedPick(draw, FAMILY_NAMES, FAMILY_WEIGHTS)} ${draw.pick(MIDDLE[sex])} ${draw.pick(GIVEN[sex])}`;
}

export function placeName(draw: Draw): string {
  return `${draw.pick(PLACE_FIRST)} ${draw.pick(PLACE_SECOND)}`;
}

export interface Address {
  readonly street: string;
  readonly commune: string;
  readonly district: string;
  readonly province: string;
  /** The whole address on one line, smallest unit first, as Vietnamese addresses are written. */
  readonly line: string;
}

/** A street address in a centrally-run city, a hamlet address elsewhere; the province is always the one given. */
export function address(draw: Draw, province: Province): Address {
  const urban = province.city || draw.chance(0.3);
  const street = urban ? `Số ${draw.int(1, 299)} đường ${draw.pick(STREET_NAMES)}` : `Thôn ${draw.int(1, 12)}`;
  const commune = `${urban ? 'phường' : 'xã'} ${placeName(draw)}`;
  const district = `${province.city ? 'quận' : urban ? 'thành phố' : 'huyện'} ${placeName(draw)}`;
  const provinceName = provinceAddressName(province);
  return { street, commune, district, province: provinceName, line: `${street}, ${commune}, ${district}, ${provinceName}` };
}

export function brandName(draw: Draw): string {
  return `${draw.pick(PLACE_FIRST)} ${draw.pick(PLACE_SECOND)}`;
}
