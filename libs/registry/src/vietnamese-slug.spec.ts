import { vietnameseSlug } from './vietnamese-slug';

describe('vietnameseSlug', () => {
  it.each([
    ['Sở Tư pháp', 'so-tu-phap'],
    ['Thị xã Bỉm Sơn', 'thi-xa-bim-son'],
    ['Đông Sơn', 'dong-son'],
    ['Sở Lao động - Thương binh và Xã hội', 'so-lao-dong-thuong-binh-va-xa-hoi'],
    ['Sở Văn hóa, Thể thao và Du lịch', 'so-van-hoa-the-thao-va-du-lich'],
    ['Văn phòng Đoàn ĐBQH và HĐND tỉnh', 'van-phong-doan-dbqh-va-hdnd-tinh'],
    ['Quảng Xương', 'quang-xuong'],
    ['Mường Lát', 'muong-lat'],
  ])('%s → %s', (name, slug) => {
    expect(vietnameseSlug(name)).toBe(slug);
  });

  it('handles text already composed differently (NFD input)', () => {
    expect(vietnameseSlug('Thọ Xuân'.normalize('NFD'))).toBe('tho-xuan');
  });
});
