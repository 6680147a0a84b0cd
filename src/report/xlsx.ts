/**
 * Excel workbooks for suppliers, written as streams (exceljs's streaming writer: rows go to disk as
 * they are added, so a list of a million installations needs no more memory than one of ten), one
 * sheet per section. Cells hold text, numbers and booleans only, never formulas, so a value such as
 * `=HYPERLINK(…)` shows as the text it is. The same inputs give the same bytes: the workbook's
 * dates and the zip entries' timestamps are fixed (1 January 1980, the zip format's epoch).
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from "node:fs";

export type Cell = string | number | boolean | null;

export interface SheetSpec {
  readonly name: string;
  readonly header: readonly string[];
  readonly rows: AsyncIterable<readonly Cell[]> | Iterable<readonly Cell[]>;
  /** Column widths in characters (defaults to the header's). */
  readonly widths?: readonly number[];
}

/** Excel's limit on the characters of one cell. */
const MAX_CELL = 32_767;
const EPOCH = new Date(Date.UTC(1980, 0, 1));

/**
 * exceljs, loaded when the first workbook is written: it is the largest module tmad loads (about a
 * CPU-second), and `tmad report` without --out, or with an --out folder it refuses, writes none.
 */
let excel: Promise<typeof import("exceljs")> | undefined;

export async function writeWorkbook(path: string, sheets: readonly SheetSpec[]): Promise<void> {
  excel ??= import("exceljs").then((m) => m.default);
  const ExcelJS = await excel;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  workbook.creator = "tmad";
  workbook.lastModifiedBy = "tmad";
  workbook.created = EPOCH;
  workbook.modified = EPOCH;
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name, { views: [{ state: "frozen", ySplit: 1 }] });
    sheet.columns = spec.header.map((h, i) => ({ header: h, width: Math.min(60, Math.max(10, spec.widths?.[i] ?? h.length + 2)) }));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).commit();
    for await (const row of spec.rows) sheet.addRow(row.map(cell)).commit();
    sheet.commit();
  }
  await workbook.commit();
  fixZipTimes(path);
}

function cell(v: Cell): Cell {
  return typeof v === "string" && v.length > MAX_CELL ? `${v.slice(0, MAX_CELL - 1)}…` : v;
}

/**
 * Sets every entry's modification time in a zip file to the zip epoch, in place: in each central
 * directory record and in the local header it points to. Nothing else changes (times are outside
 * the checksums). A zip64 file (over 4 GiB or 65,535 entries) is left as it is.
 */
export function fixZipTimes(path: string): void {
  const fd = openSync(path, "r+");
  try {
    const size = fstatSync(fd).size;
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    readSync(fd, tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd === -1) throw new Error(`internal: ${path} is not a zip file`);
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (entries === 0xffff || cdOffset === 0xffffffff) return;
    const cd = Buffer.alloc(cdSize);
    readSync(fd, cd, 0, cdSize, cdOffset);
    const zero = Buffer.from([0x00, 0x00, 0x21, 0x00]); // DOS time 00:00:00, date 1980-01-01
    let at = 0;
    for (let n = 0; n < entries && at + 46 <= cd.length; n++) {
      if (cd.readUInt32LE(at) !== 0x02014b50) throw new Error(`internal: ${path}: bad central directory`);
      zero.copy(cd, at + 12);
      const local = cd.readUInt32LE(at + 42);
      writeSync(fd, zero, 0, 4, local + 10);
      at += 46 + cd.readUInt16LE(at + 28) + cd.readUInt16LE(at + 30) + cd.readUInt16LE(at + 32);
    }
    writeSync(fd, cd, 0, cd.length, cdOffset);
  } finally {
    closeSync(fd);
  }
}
