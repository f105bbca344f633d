/**
 * `Sở Tư pháp` → `so-tu-phap`. Vietnamese letters decompose under NFD into a base letter plus combining marks,
 * except đ/Đ, which is its own letter and must be mapped by hand.
 */
export function vietnameseSlug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
