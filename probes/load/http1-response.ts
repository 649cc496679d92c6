/**
 * A minimal HTTP/1.1 response parser for the load lane: status line, the headers that frame the body
 * (Content-Length, Transfer-Encoding: chunked, Connection), the body counted and never kept. Interim 1xx responses
 * are skipped; 204, 304 and a HEAD request's response have no body; a body without either framing header ends when
 * the server closes. Anything it cannot frame is a protocol error with an llhttp-style code (HPE_*), so a broken
 * server shows as a counted transport error rather than a guessed response.
 *
 * Fed chunk by chunk (a head or a chunk-size line may be split anywhere); the common case, a whole head in one
 * read, is parsed from one latin1 string without copying the chunk.
 */

/** What the parser reports, in order: one head, body byte counts, one completion (or one error) per response. */
export interface ResponseEvents {
  onHead(status: number): void;
  /** body bytes seen; return false to stop parsing (the body is over the cap) */
  onBody(bytes: number): boolean;
  /** `reusable`: the connection may carry the next request (no `Connection: close`, nothing unread after it) */
  onComplete(reusable: boolean): void;
  onProtocolError(code: string, message: string): void;
}

/** a response head (status line plus headers) longer than this is an error, like llhttp's default */
export const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE = 1024;

const enum State {
  Head,
  Length,
  ChunkLine,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
  Done,
}

const HEAD_END = Buffer.from('\r\n\r\n');
/** the headers that frame a body, by the length of their name */
const FRAMING_HEADERS: Partial<Record<number, string>> = { 10: 'connection', 14: 'content-length', 17: 'transfer-encoding' };

/** the decimal digit at `i`, or NaN */
function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
}

/** the value of a hex digit byte, or -1 */
function hexValue(byte: number): number {
  if (byte >= 48 && byte <= 57) return byte - 48;
  const lower = byte | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

export class ResponseParser {
  private state = State.Done;
  /** the start of a head, or a chunk-size or trailer line, split over reads */
  private pending: Buffer | null = null;
  private line = '';
  private remaining = 0;
  private trailerBytes = 0;
  private headOnly = false;
  private reusable = true;
  /** counts ended responses, so a read stops at the end of the response it completed */
  private ends = 0;

  constructor(private readonly events: ResponseEvents) {}

  /** expect the response to a request just written; `headOnly` for HEAD */
  expect(headOnly: boolean): void {
    this.state = State.Head;
    this.headOnly = headOnly;
    this.pending = null;
    this.line = '';
  }

  get idle(): boolean {
    return this.state === State.Done;
  }

  /**
   * The server closed the connection: true when that ended a response whose body runs until the close (it is then
   * complete and reported); false when a response was cut short or never came.
   */
  finish(): boolean {
    if (this.state !== State.UntilClose) return false;
    this.state = State.Done;
    this.ends++;
    this.events.onComplete(false);
    return true;
  }

  execute(chunk: Buffer): void {
    let at = 0;
    const ends = this.ends;
    // stop at the end of a response: the lane may already be waiting for the next one on a fresh connection, and
    // whatever followed in this read was never asked for (complete() has told the lane not to reuse the connection)
    while (at < chunk.length && this.ends === ends) {
      switch (this.state) {
        case State.Head:
          at = this.head(chunk, at);
          break;
        case State.Length:
        case State.ChunkData: {
          const take = Math.min(this.remaining, chunk.length - at);
          at += take;
          this.remaining -= take;
          if (!this.events.onBody(take)) return this.stop();
          if (this.remaining > 0) break;
          if (this.state === State.Length) this.complete(at < chunk.length);
          else this.state = State.ChunkEnd;
          break;
        }
        case State.ChunkLine:
          at = this.chunkLine(chunk, at);
          break;
        case State.Trailers:
          // the common end of a chunked body, no trailers, read whole
          if (this.line === '' && chunk[at] === 13 && chunk[at + 1] === 10) {
            at += 2;
            this.complete(at < chunk.length);
          } else at = this.lineOf(chunk, at);
          break;
        case State.ChunkEnd:
          // the CRLF after a chunk's data, possibly split over two reads: remaining is 0 before the CR, -1 after it
          if (chunk[at] !== (this.remaining === 0 ? 13 : 10)) return this.fail('HPE_INVALID_CHUNK_SIZE', 'no CRLF after a chunk');
          at++;
          if (this.remaining === 0) this.remaining = -1;
          else this.state = State.ChunkLine;
          break;
        case State.UntilClose: {
          const take = chunk.length - at;
          at = chunk.length;
          if (!this.events.onBody(take)) return this.stop();
          break;
        }
        case State.Done:
          // bytes nobody asked for (one request on the wire at a time): the connection cannot be trusted any more
          return this.fail('HPE_UNEXPECTED_DATA', 'data after the response ended');
      }
    }
  }

  private head(chunk: Buffer, at: number): number {
    let source = chunk;
    let from = at;
    let searchFrom = at;
    if (this.pending) {
      searchFrom = Math.max(0, this.pending.length - 3);
      source = Buffer.concat([this.pending, chunk.subarray(at)]);
      from = 0;
    }
    const end = source.indexOf(HEAD_END, searchFrom);
    if (end < 0) {
      if (source.length - from > MAX_HEAD_BYTES) {
        this.fail('HPE_HEADER_OVERFLOW', `response head over ${MAX_HEAD_BYTES} bytes`);
        return chunk.length;
      }
      this.pending = from === 0 && source !== chunk ? source : Buffer.from(chunk.subarray(at));
      return chunk.length;
    }
    const headEnd = end + 4;
    if (headEnd - from > MAX_HEAD_BYTES) {
      this.fail('HPE_HEADER_OVERFLOW', `response head over ${MAX_HEAD_BYTES} bytes`);
      return chunk.length;
    }
    const consumedOfChunk = this.pending ? headEnd - this.pending.length : headEnd - at;
    this.pending = null;
    const next = at + consumedOfChunk;
    if (this.parseHead(source.toString('latin1', from, end + 2))) this.complete(next < chunk.length);
    return next;
  }

  /** `text`: status line and header lines, each ending in CRLF. True when the response ends with its head. */
  private parseHead(text: string): boolean {
    if (!text.startsWith('HTTP/1.') || text.charCodeAt(8) !== 32) return this.fail('HPE_INVALID_CONSTANT', 'not an HTTP/1.x status line') ?? false;
    const http10 = text.charCodeAt(7) === 48;
    const status = digit(text, 9) * 100 + digit(text, 10) * 10 + digit(text, 11);
    const after = text.charCodeAt(12);
    if (!(status >= 100 && status <= 999) || (after !== 32 && after !== 13)) return this.fail('HPE_INVALID_STATUS', 'bad status code') ?? false;
    let length = -1;
    let chunked = false;
    let framed = false;
    let close = http10;
    for (let start = text.indexOf('\r\n') + 2; start < text.length;) {
      const eol = text.indexOf('\r\n', start);
      const colon = text.indexOf(':', start);
      if (colon < 0 || colon > eol) return this.fail('HPE_INVALID_HEADER_TOKEN', 'a header line without a colon') ?? false;
      // only three headers frame the body: look closer at a line only when its name has one of their lengths
      const framing = FRAMING_HEADERS[colon - start];
      if (framing !== undefined && (text.charCodeAt(start) | 0x20) === framing.charCodeAt(0) && text.slice(start, colon).toLowerCase() === framing) {
        const value = text
          .slice(colon + 1, eol)
          .trim()
          .toLowerCase();
        if (framing === 'content-length') {
          if (!/^\d{1,15}$/.test(value) || (length >= 0 && Number(value) !== length))
            return this.fail('HPE_INVALID_CONTENT_LENGTH', 'bad Content-Length') ?? false;
          length = Number(value);
        } else if (framing === 'transfer-encoding') {
          framed = true;
          chunked = value === 'chunked' || /,\s*chunked$/.test(value);
        } else if (value === 'close' || (value !== 'keep-alive' && /(^|,)\s*close\s*(,|$)/.test(value))) close = true;
        else if (http10 && /(^|,)\s*keep-alive\s*(,|$)/.test(value)) close = false;
      }
      start = eol + 2;
    }
    if (status < 200 && status !== 101) {
      // interim (100 Continue, 103 Early Hints): the real response follows on the same connection
      this.state = State.Head;
      return false;
    }
    this.reusable = !close && status !== 101;
    this.events.onHead(status);
    if (this.headOnly || status === 204 || status === 304 || status === 101 || (!framed && length === 0)) return true;
    if (framed) this.bodyState(chunked ? State.ChunkLine : State.UntilClose);
    else if (length > 0) {
      this.remaining = length;
      this.state = State.Length;
    } else this.bodyState(State.UntilClose);
    return false;
  }

  private bodyState(state: State): void {
    this.state = state;
    this.line = '';
    this.trailerBytes = 0;
    if (state === State.UntilClose) this.reusable = false;
  }

  /** a chunk-size line: read straight from the bytes when it is whole in this read (the common case) */
  private chunkLine(chunk: Buffer, at: number): number {
    if (this.line === '') {
      let size = 0;
      let i = at;
      for (let v = hexValue(chunk[i]); v >= 0 && i - at < 12; v = hexValue(chunk[++i])) size = size * 16 + v;
      if (i > at && chunk[i] === 13 && chunk[i + 1] === 10) {
        this.remaining = size;
        this.state = size === 0 ? State.Trailers : State.ChunkData;
        return i + 2;
      }
    }
    return this.lineOf(chunk, at);
  }

  /** one chunk-size line or one trailer line, possibly split over reads */
  private lineOf(chunk: Buffer, at: number): number {
    const eol = chunk.indexOf(10, at);
    const end = eol < 0 ? chunk.length : eol + 1;
    this.line += chunk.toString('latin1', at, end);
    if (this.state === State.Trailers) this.trailerBytes += end - at;
    if (eol < 0) {
      if (this.line.length > MAX_CHUNK_LINE && this.state === State.ChunkLine) this.fail('HPE_INVALID_CHUNK_SIZE', 'chunk-size line too long');
      else if (this.trailerBytes > MAX_HEAD_BYTES) this.fail('HPE_HEADER_OVERFLOW', `trailers over ${MAX_HEAD_BYTES} bytes`);
      return end;
    }
    const line = this.line;
    this.line = '';
    if (!line.endsWith('\r\n')) {
      this.fail('HPE_STRICT', 'a line not ending in CRLF');
      return end;
    }
    if (this.state === State.Trailers) {
      if (line === '\r\n') this.complete(end < chunk.length);
      else if (this.trailerBytes > MAX_HEAD_BYTES) this.fail('HPE_HEADER_OVERFLOW', `trailers over ${MAX_HEAD_BYTES} bytes`);
      return end;
    }
    const hex = line
      .slice(0, line.length - 2)
      .split(';', 1)[0]
      .trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) {
      this.fail('HPE_INVALID_CHUNK_SIZE', 'bad chunk size');
      return end;
    }
    this.remaining = parseInt(hex, 16);
    this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
    return end;
  }

  /** the response ended; `unread`: more bytes followed it in the same read, never asked for, so the connection is dropped */
  private complete(unread: boolean): void {
    this.state = State.Done;
    this.ends++;
    this.events.onComplete(this.reusable && !unread);
  }

  private stop(): void {
    this.state = State.Done;
    this.ends++;
  }

  private fail(code: string, message: string): undefined {
    this.state = State.Done;
    this.ends++;
    this.pending = null;
    this.events.onProtocolError(code, message);
    return undefined;
  }
}
