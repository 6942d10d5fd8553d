/**
 * The shape every benchmark scenario has. `scripts/bench.ts` loads every
 * `scripts/bench/scenario-*.ts` module, runs the scenarios in `order`, and writes their
 * sections into docs/PERFORMANCE.md (or to `--out`, or to stdout in `--short` mode).
 */

export interface BenchContext {
  /** CI mode: a round or two and tiny trees; checks the scenario works, not how fast. */
  short: boolean;
  /** The repository root. */
  top: string;
  /** Progress line on stderr. */
  log(message: string): void;
  /** Peer tools found on PATH (absolute paths), or null when missing. */
  peers: { entr: string | null; reflex: string | null; nodemon: string | null };
}

export interface Table {
  /** Optional heading above the table (rendered as ###). */
  title?: string;
  columns: string[];
  rows: string[][];
}

export interface Section {
  title: string;
  /** What is measured and how, in a few sentences of Markdown. */
  intro: string;
  tables: Table[];
  /** Extra Markdown paragraphs: targets met or not, skipped tools and why. */
  notes: string[];
  /** An SVG chart written to docs/perf/<name> and linked from the section. */
  charts?: { name: string; svg: string; alt: string }[];
  /** False when the scenario could not measure what it should (the run exits 1). */
  ok: boolean;
}

export interface Scenario {
  /** Position in the report (lower first). */
  order: number;
  id: string;
  run(context: BenchContext): Promise<Section>;
}
