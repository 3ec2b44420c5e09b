// The Atom feed of published reports and verified remediations, per tag or per system (reports whose scenario
// runs on it). Text goes in as text: the feed package escapes it, so markup a reporter typed stays inert.
import { Feed } from 'feed';
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { remediations, reports, scenarioDocuments } from '../../db/schema.ts';

/** The feed package marks titles and content as HTML (type="html" in CDATA): reporters' text is escaped into it. */
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const paragraphs = (parts: (string | null | false)[]) =>
  parts
    .filter((part): part is string => Boolean(part))
    .map((part) => `<p>${escapeHtml(part)}</p>`)
    .join('');

export async function atomFeed(
  db: Database,
  { tag, system, webOrigin, selfUrl }: { tag?: string; system?: string; webOrigin: string; selfUrl: string },
): Promise<string> {
  const where: SQL[] = [eq(reports.status, 'published')];
  if (tag) where.push(sql`${reports.tags} @> array[${tag}]::text[]`);
  if (system)
    where.push(
      sql`exists (select 1 from ${scenarioDocuments} s where s.id = ${reports.scenarioId} and s.systems @> array[${system}]::text[])`,
    );
  const published = await db
    .select()
    .from(reports)
    .where(and(...where))
    .orderBy(desc(reports.publishedAt))
    .limit(100);
  const verified = await db
    .select({ fix: remediations, report: reports })
    .from(remediations)
    .innerJoin(reports, eq(reports.id, remediations.reportId))
    .where(and(eq(remediations.status, 'verified'), ...where))
    .orderBy(desc(remediations.updatedAt))
    .limit(100);
  const title = ['Failure Library reports', tag && `tagged ${tag}`, system && `on ${system}`].filter(Boolean).join(' ');
  const newest = [...published.map((r) => r.publishedAt ?? r.updatedAt), ...verified.map((v) => v.fix.updatedAt)].sort(
    (a, b) => b.getTime() - a.getTime(),
  )[0];
  const feed = new Feed({
    id: selfUrl,
    title,
    link: `${webOrigin}/reports`,
    updated: newest ?? new Date(0),
    copyright: 'Reports by their authors; seed reports summarise public post-mortems (see each link).',
    feedLinks: { atom: selfUrl },
    generator: 'The Failure Library',
    // Atom requires an author on the feed or on every entry (RFC 4287, 4.1.1).
    author: { name: 'The Failure Library', link: webOrigin },
  });
  const reportUrl = (id: string) => `${webOrigin}/reports/${encodeURIComponent(id)}`;
  for (const row of published)
    feed.addItem({
      id: `urn:failurelib:report:${row.id}`,
      title: escapeHtml(row.title),
      link: reportUrl(row.id),
      date: row.publishedAt ?? row.updatedAt,
      description: escapeHtml(row.whatFailed),
      content: paragraphs([
        row.whatFailed,
        `Impact: ${row.impact}`,
        `Detected by: ${row.detection}`,
        `Trigger: ${row.trigger}`,
        row.rootCause && `Root cause: ${row.rootCause}`,
      ]),
      category: row.tags.map((term) => ({ name: term, term })),
    });
  for (const { fix, report } of verified)
    feed.addItem({
      id: `urn:failurelib:remediation:${fix.id}`,
      title: escapeHtml(`Verified fix: ${report.title}`),
      link: reportUrl(report.id),
      date: fix.updatedAt,
      description: escapeHtml(fix.summary),
      content: `${paragraphs([fix.summary])}<pre>${escapeHtml(fix.commands.join('\n'))}</pre>`,
      category: report.tags.map((term) => ({ name: term, term })),
    });
  return feed.atom1();
}
