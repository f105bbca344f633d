/**
 * What one package may cost to read. The defaults fit real documents (a scanned decision with appendices is a few
 * MiB) with room to spare, and keep a hostile package from costing more than a bounded amount of memory and time.
 */
export interface EdxmlLimits {
  /** The whole package as received, in bytes. */
  readonly maxPackageBytes: number;
  /** One attachment, decoded. */
  readonly maxAttachmentBytes: number;
  /** Element nesting; real packages are under 10 deep. */
  readonly maxDepth: number;
  /** Elements in the whole package. */
  readonly maxElements: number;
  /** Attachments in one package. */
  readonly maxAttachments: number;
}

export const DEFAULT_EDXML_LIMITS: EdxmlLimits = {
  maxPackageBytes: 20 * 1024 * 1024,
  maxAttachmentBytes: 10 * 1024 * 1024,
  maxDepth: 32,
  maxElements: 10_000,
  maxAttachments: 50,
};
