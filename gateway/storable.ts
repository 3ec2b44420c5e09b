// Text Postgres can store. A NUL (U+0000) is refused in text and jsonb columns, and so is a lone UTF-16
// surrogate in jsonb: a change carrying one would be applied by the API server but lost by the recorder.
// They are written as visible escapes instead (`\u0000`), so the record shows what was sent.

const UNSTORABLE = /[\u0000\ud800-\udfff]/u;

function storableText(text: string): string {
  if (!UNSTORABLE.test(text)) return text;
  return [...text]
    .map((char) => {
      const code = char.codePointAt(0)!;
      return code === 0 || (code >= 0xd800 && code <= 0xdfff) ? `\\u${code.toString(16).padStart(4, '0')}` : char;
    })
    .join('');
}

/** The value with every string (and object key) made storable; other values unchanged. */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => storable(item)) as T;
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [storableText(key), storable(inner)])) as T;
  }
  return value;
}
