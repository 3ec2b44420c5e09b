// Maps a field path (`spec.steps.0.fault.args`) to a line and column in the YAML it came from, so problems
// point at the text an author has to change. A path that is missing points at its nearest existing parent.
import { isCollection, LineCounter, parseDocument, type Document } from 'yaml';

export interface Parsed { document: Document; lines: LineCounter }

export function parseWithPositions(text: string): Parsed {
  const lines = new LineCounter();
  return { document: parseDocument(text, { lineCounter: lines }), lines };
}

export function locate({ document, lines }: Parsed, path: string): { line: number; col: number } {
  const keys = path.split('.').filter((key) => key !== '' && !key.startsWith('('));
  let node: unknown = document.contents;
  for (const key of keys) {
    if (!isCollection(node)) break;
    const child = node.get(/^\d+$/.test(key) ? Number(key) : key, true);
    if (child === undefined || child === null) break;
    node = child;
  }
  const offset = (node as { range?: [number, number, number] } | null)?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { line, col };
}
