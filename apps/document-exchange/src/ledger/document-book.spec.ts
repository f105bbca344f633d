import { DocumentBook } from './document-book';
import { PackageAccepted } from './document-events';

let n = 0;
function accepted(overrides: Partial<PackageAccepted>): PackageAccepted {
  n++;
  return {
    type: 'package.accepted',
    packageId: `p${n}`,
    kind: 'document',
    sender: '000.00.02.H56',
    senderClient: 'h56-qlvb-so-tu-phap',
    documentId: '000.00.02.H56,2026/11/20,1/STP',
    docType: 0,
    subject: 'Thử',
    deliveries: [],
    sha256: `sha-${n}`,
    bytes: 100,
    acceptedAt: `2026-11-20T08:00:${String(n).padStart(2, '0')}.000Z`,
    signature: { status: 'unsigned' },
    xml: '<edXML/>',
    ...overrides,
  };
}

describe('DocumentBook', () => {
  it('keeps one delivery per recipient, listed in each inbox until acknowledged', () => {
    const book = new DocumentBook();
    book.apply(accepted({ packageId: 'doc', deliveries: [{ deliveryId: 'd1', recipient: 'A' }, { deliveryId: 'd2', recipient: 'B' }] }));
    expect(book.inbox('A', { state: 'pending', limit: 10 }).map((d) => d.deliveryId)).toEqual(['d1']);
    book.apply({ type: 'delivery.acknowledged', deliveryId: 'd1', recipient: 'A', status: 'done', at: '2026-11-20T09:00:00.000Z', client: 'x' });
    expect(book.inbox('A', { state: 'pending', limit: 10 })).toEqual([]);
    expect(book.inbox('A', { limit: 10 })).toMatchObject([{ deliveryId: 'd1', state: 'done' }]);
    expect(book.inbox('B', { state: 'pending', limit: 10 })).toHaveLength(1);
  });

  it('applies an event twice as once (a replayed topic, a retried write)', () => {
    const book = new DocumentBook();
    const e = accepted({ deliveries: [{ deliveryId: 'd1', recipient: 'A' }] });
    book.apply(e);
    book.apply(e);
    const ack = { type: 'delivery.acknowledged' as const, deliveryId: 'd1', recipient: 'A', status: 'fail' as const, at: '2026-11-20T09:00:00.000Z', client: 'x' };
    book.apply(ack);
    book.apply({ ...ack, status: 'done' });
    expect(book.inbox('A', { limit: 10 })).toMatchObject([{ state: 'fail' }]);
  });

  it('pages an inbox after a given delivery', () => {
    const book = new DocumentBook();
    book.apply(accepted({ deliveries: ['1', '2', '3', '4', '5'].map((i) => ({ deliveryId: `d${i}`, recipient: 'A' })) }));
    expect(book.inbox('A', { limit: 2 }).map((d) => d.deliveryId)).toEqual(['d1', 'd2']);
    expect(book.inbox('A', { limit: 2, after: 'd2' }).map((d) => d.deliveryId)).toEqual(['d3', 'd4']);
  });

  it('finds a document by id and content, counts recipients over updates, and orders its timeline', () => {
    const book = new DocumentBook();
    const id = '000.00.02.H56,2026/11/20,9/STP';
    book.apply(accepted({ packageId: 'new', documentId: id, deliveries: [{ deliveryId: 'n1', recipient: 'A' }] }));
    book.apply(accepted({ packageId: 'upd', documentId: id, docType: 2, deliveries: [{ deliveryId: 'u1', recipient: 'B' }] }));
    book.apply(accepted({ packageId: 'st', kind: 'status', sender: 'A', documentId: id, docType: undefined, statusCode: '03', deliveries: [{ deliveryId: 's1', recipient: '000.00.02.H56' }] }));
    expect(book.original(id)?.packageId).toBe('new');
    expect([...book.recipientsOf(id)]).toEqual(['A', 'B']);
    expect(book.packageWithContent('000.00.02.H56', book.package('upd')!.sha256)?.packageId).toBe('upd');
    expect(book.packageWithContent('someone else', book.package('upd')!.sha256)).toBeUndefined();
    expect(book.timeline(id).map((e) => e.event)).toEqual(['sent (new)', 'sent (update)', 'status 03: accepted (Đã tiếp nhận)']);
    expect(book.sent('000.00.02.H56', 10).map((p) => p.packageId)).toEqual(['new']);
  });

  describe('pushes', () => {
    const at = '2026-11-20T10:00:00.000Z';
    const subscribe = (book: DocumentBook, organId: string) => book.apply({ type: 'push.subscribed', organId, url: `https://${organId}.example/in`, secret: 'whsec_x', client: 'c', at });
    const failed = (deliveryId: string, recipient: string) => ({ type: 'delivery.push-failed' as const, deliveryId, recipient, url: 'u', attempts: 3, error: 'HTTP 500', at });

    it('has due what waits for a subscribed agency and was neither pushed nor given up', () => {
      const book = new DocumentBook();
      book.apply(accepted({ deliveries: [{ deliveryId: 'd1', recipient: 'A' }, { deliveryId: 'd2', recipient: 'B' }, { deliveryId: 'd3', recipient: 'A' }] }));
      expect(book.duePushes()).toEqual([]);
      subscribe(book, 'A');
      expect(book.duePushes().map((d) => d.deliveryId)).toEqual(['d1', 'd3']);
      book.apply({ type: 'delivery.pushed', deliveryId: 'd1', recipient: 'A', url: 'u', attempts: 1, at });
      book.apply(failed('d3', 'A'));
      expect(book.duePushes()).toEqual([]);
      expect(book.failedPushes().map((d) => d.deliveryId)).toEqual(['d3']);
      expect(book.failedPushes('B')).toEqual([]);
    });

    it('tries a given-up push again on a new registration or a retry request, and forgets it once acknowledged', () => {
      const book = new DocumentBook();
      subscribe(book, 'A');
      book.apply(accepted({ deliveries: [{ deliveryId: 'd1', recipient: 'A' }, { deliveryId: 'd2', recipient: 'A' }] }));
      book.apply(failed('d1', 'A'));
      book.apply(failed('d2', 'A'));
      subscribe(book, 'A');
      expect(book.duePushes('A').map((d) => d.deliveryId)).toEqual(['d1', 'd2']);
      book.apply(failed('d1', 'A'));
      book.apply({ type: 'push.retry-requested', organId: 'A', client: 'c', at });
      expect(book.failedPushes()).toEqual([]);
      book.apply(failed('d2', 'A'));
      book.apply({ type: 'delivery.acknowledged', deliveryId: 'd2', recipient: 'A', status: 'done', at, client: 'c' });
      expect(book.failedPushes()).toEqual([]);
    });

    it('pushes nothing for an agency that unsubscribed', () => {
      const book = new DocumentBook();
      subscribe(book, 'A');
      book.apply(accepted({ deliveries: [{ deliveryId: 'd1', recipient: 'A' }] }));
      book.apply({ type: 'push.unsubscribed', organId: 'A', client: 'c', at });
      expect(book.subscription('A')).toBeUndefined();
      expect(book.duePushes()).toEqual([]);
    });
  });
});
