import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

interface MetadataFile {
  clusterId: string;
  /** Producer ids below this may have been handed out already. */
  producerIdBlockEnd: number;
}

const PRODUCER_ID_BLOCK = 1000;

/**
 * The broker's own small durable facts: its cluster id (stable across restarts, as clients expect) and
 * the producer ids already handed out. Ids are reserved in blocks so that the file is rewritten rarely, and
 * a restart never reuses an id (an idempotent producer's retries would be mistaken for someone else's).
 */
export class BrokerMetadata {
  private data!: MetadataFile;
  private nextProducerId = 0;

  constructor(private readonly path: string) {}

  open(): void {
    this.data = existsSync(this.path)
      ? (JSON.parse(readFileSync(this.path, 'utf8')) as MetadataFile)
      : { clusterId: randomBytes(16).toString('base64url'), producerIdBlockEnd: 0 };
    this.nextProducerId = this.data.producerIdBlockEnd;
    this.save();
  }

  get clusterId(): string {
    return this.data.clusterId;
  }

  allocateProducerId(): number {
    if (this.nextProducerId >= this.data.producerIdBlockEnd) {
      this.data.producerIdBlockEnd = this.nextProducerId + PRODUCER_ID_BLOCK;
      this.save();
    }
    return this.nextProducerId++;
  }

  private save(): void {
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.data));
    renameSync(tmp, this.path);
  }
}
