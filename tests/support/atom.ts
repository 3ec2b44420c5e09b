// Checks a document against the Atom format (RFC 4287): well-formed XML in the Atom namespace, and the elements
// the RFC requires of a feed and of each entry, with their cardinality and formats. Returns every problem found.
import { xml2js, type Element } from 'xml-js';

const ATOM = 'http://www.w3.org/2005/Atom';
// RFC 3339 date-time, as RFC 4287 3.3 requires.
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const children = (element: Element, name: string) => (element.elements ?? []).filter((e) => e.type === 'element' && e.name === name);
const text = (element: Element | undefined) => (element?.elements ?? []).map((e) => e.text ?? e.cdata ?? '').join('');

export function atomProblems(xml: string): string[] {
  let root: Element | undefined;
  try {
    root = (xml2js(xml, { compact: false }) as Element).elements?.find((e) => e.type === 'element');
  } catch (error) {
    return [`not well-formed XML: ${(error as Error).message}`];
  }
  if (!root || root.name !== 'feed') return [`root element is ${root?.name ?? 'missing'}, not feed`];
  const problems: string[] = [];
  if (root.attributes?.xmlns !== ATOM) problems.push(`feed is not in the Atom namespace (${String(root.attributes?.xmlns)})`);
  const exactlyOne = (element: Element, name: string, where: string) => {
    const found = children(element, name);
    if (found.length !== 1) problems.push(`${where} has ${found.length} ${name} elements, needs exactly one`);
    return found[0];
  };
  const checkCommon = (element: Element, where: string) => {
    const id = exactlyOne(element, 'id', where);
    if (id && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(text(id))) problems.push(`${where} id "${text(id)}" is not an IRI`);
    exactlyOne(element, 'title', where);
    const updated = exactlyOne(element, 'updated', where);
    if (updated && !DATE.test(text(updated))) problems.push(`${where} updated "${text(updated)}" is not an RFC 3339 date`);
    for (const link of children(element, 'link')) if (!link.attributes?.href) problems.push(`${where} has a link without href`);
  };
  checkCommon(root, 'feed');
  const entries = children(root, 'entry');
  const feedHasAuthor = children(root, 'author').some((a) => children(a, 'name').length === 1);
  entries.forEach((entry, index) => {
    const where = `entry ${index + 1}`;
    checkCommon(entry, where);
    if (!feedHasAuthor && children(entry, 'author').length === 0) problems.push(`${where} has no author and the feed has none`);
    const hasContent = children(entry, 'content').length > 0;
    const alternate = children(entry, 'link').some((l) => !l.attributes?.rel || l.attributes.rel === 'alternate');
    if (!hasContent && !alternate) problems.push(`${where} has neither content nor an alternate link`);
  });
  return problems;
}

export function atomEntries(xml: string): { id: string; title: string; categories: string[] }[] {
  const root = (xml2js(xml, { compact: false }) as Element).elements!.find((e) => e.type === 'element')!;
  return children(root, 'entry').map((entry) => ({
    id: text(children(entry, 'id')[0]),
    title: text(children(entry, 'title')[0]),
    categories: children(entry, 'category').map((c) => String(c.attributes?.term)),
  }));
}
