/** One process the supervisor runs. */
export interface ServiceSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** A line on stdout that means "ready"; later services start only after it. */
  readonly readyLine: RegExp;
  /** What to print in the "what runs where" table once ready, from the ready line's match. */
  readonly describe: (ready: RegExpMatchArray) => string;
}
