import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointShapeProblem, isCheckpoint } from './checkpoint';
import { MessageLogCheckpoint } from './message-log-record';

/**
 * The saved head: a copy of each chain's latest checkpoint, kept by the gateway in its data directory. Checkpoints
 * in the topic cannot reveal a tail cut together with the checkpoints after it; this copy, outside the topic,
 * can: a log that ends before the saved head, or holds a different record at its seq, was cut or rewritten.
 * It only helps against someone who can write to the topic but not to the gateway's data directory.
 */
interface SavedHeadFile {
  /** The message-log topic it belongs to, so that a data directory used for several instances mixes nothing. */
  readonly topic: string;
  readonly checkpoint: MessageLogCheckpoint;
}

const FILE = /^message-log-head\.([A-Za-z0-9._-]{1,64})\.json$/;

export function savedHeadPath(dir: string, chain: string): string {
  const name = `message-log-head.${chain}.json`;
  if (!FILE.test(name) || chain === '.' || chain === '..') throw new Error(`chain id ${JSON.stringify(chain)} cannot name a file`);
  return join(dir, name);
}

/**
 * Replaces the saved head atomically: written to a temporary file, flushed to disk, then renamed over the old one,
 * so a crash leaves either the old head or the new one, never a partial file. Asynchronous: the flush to disk can
 * take tens of milliseconds, which the gateway's event loop must not spend waiting. One writer per chain, and its
 * writes one at a time (the writer serialises them).
 */
export async function writeSavedHead(dir: string, topic: string, checkpoint: MessageLogCheckpoint): Promise<void> {
  const path = savedHeadPath(dir, checkpoint.chain);
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w', 0o644);
  try {
    await file.writeFile(JSON.stringify({ topic, checkpoint } satisfies SavedHeadFile));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
}

function parse(path: string): SavedHeadFile {
  let file: Partial<SavedHeadFile>;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as Partial<SavedHeadFile>;
  } catch (err) {
    throw new Error(`saved head ${path} is not readable JSON: ${(err as Error).message}`);
  }
  const problem = typeof file.topic !== 'string' ? 'no topic' : !isCheckpoint(file.checkpoint) ? 'no checkpoint' : checkpointShapeProblem(file.checkpoint);
  if (problem) throw new Error(`saved head ${path} is not a saved head: ${problem}`);
  return file as SavedHeadFile;
}

/** The saved head of one chain of `topic`, or null when there is none. Throws when the file is damaged. */
export function readSavedHead(dir: string, chain: string, topic: string): MessageLogCheckpoint | null {
  const path = savedHeadPath(dir, chain);
  if (!existsSync(path)) return null;
  const file = parse(path);
  if (file.topic !== topic) return null;
  if (file.checkpoint.chain !== chain) throw new Error(`saved head ${path} is for chain ${file.checkpoint.chain}, not ${chain}`);
  return file.checkpoint;
}

/** Every chain's saved head for `topic` in `dir` (none when the directory does not exist). */
export function readSavedHeads(dir: string, topic: string): MessageLogCheckpoint[] {
  if (!existsSync(dir)) return [];
  const heads: MessageLogCheckpoint[] = [];
  for (const name of readdirSync(dir).sort()) {
    const chain = FILE.exec(name)?.[1];
    if (chain === undefined) continue;
    const head = readSavedHead(dir, chain, topic);
    if (head) heads.push(head);
  }
  return heads;
}
