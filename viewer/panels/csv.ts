/**
 * CSV of a panel's table (RFC 4180): header row first, CRLF line ends, a field quoted when it holds
 * a comma, a double quote, CR or LF (quotes inside doubled). Numbers are written with full
 * precision (JavaScript's shortest round-trip form, so `Number(field)` gives the same double back);
 * NaN is an empty field (missing), ±Infinity is written as `Infinity` / `-Infinity`.
 *
 * Pure and DOM-free (unit-tested in Node); export.ts re-exports `tableToCsv` for the app.
 */

/** The shape of a panel table (structurally PanelTable of panel.ts). */
export interface CsvTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | string)[])[];
}

/** One CSV field, quoted when it has to be. */
export function csvField(value: number | string): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '';
    if (Object.is(value, -0)) return '-0';
    return String(value);
  }
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The table as CSV text: the header row, then one line per row, each ended by CRLF. */
export function tableToCsv(table: CsvTable): string {
  const lines: string[] = [table.columns.map(csvField).join(',')];
  for (const row of table.rows) lines.push(row.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

/**
 * Parses RFC 4180 CSV into rows of string fields (quoted fields unquoted, CRLF or LF line ends;
 * a final line end does not start another row). Throws on a quote that is never closed.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  const endField = () => {
    row.push(field);
    field = '';
    fieldStarted = false;
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (c === ',') {
      endField();
      fieldStarted = true;
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      i += 2;
    } else if (c === '\n') {
      endRow();
      i++;
    } else {
      field += c;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted) throw new Error('parseCsv: a quoted field is never closed.');
  if (fieldStarted || field !== '' || row.length > 0) endRow();
  return rows;
}
