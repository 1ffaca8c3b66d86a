// archiver 8 is ESM and class-based and ships no types; @types/archiver describes the v7
// function API. This declares the part `package` uses (src/lib/package/write.ts).
declare module 'archiver' {
  import type { Transform } from 'node:stream';
  import type { ZlibOptions } from 'node:zlib';

  export interface ZipOptions {
    /** Passed to zlib for deflated entries (level 0-9). */
    zlib?: ZlibOptions;
    /** Store every entry uncompressed. */
    store?: boolean;
    comment?: string;
    forceZip64?: boolean;
    /** Write DOS times in local time instead of UTC (off: the same Date gives the same bytes anywhere). */
    forceLocalTime?: boolean;
  }

  export interface EntryData {
    /** The entry name inside the archive (forward slashes). */
    name: string;
    date?: Date | string;
    /** Unix permission bits. */
    mode?: number;
    store?: boolean;
    prefix?: string;
  }

  export class Archiver extends Transform {
    append(source: Buffer | string | NodeJS.ReadableStream, data: EntryData): this;
    /** Ends the archive; resolves when everything is written to the stream. */
    finalize(): Promise<void>;
    /** Bytes written so far. */
    pointer(): number;
    abort(): this;
  }

  export class ZipArchive extends Archiver {
    constructor(options?: ZipOptions);
  }
}
