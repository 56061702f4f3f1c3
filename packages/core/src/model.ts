/**
 * The data that flows through the pipeline of docs/architecture.md:
 * sources → safety → sample → replay → diff → rules → aggregate → verdict → report.
 * Everything here is plain data (JSON-serialisable) so a stage can be tested alone.
 */

/** Where a record came from: the file (or `cloudwatch://group`) and the 1-based line. */
export interface SourcePosition {
  source: string;
  line: number;
}

/** One request as read from a log, before it is replayed. */
export interface RequestRecord {
  /** Upper-case HTTP method. */
  method: string;
  /** Path with query string, always starting with `/`. */
  path: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Request body as UTF-8 text, or base64 when `bodyEncoding` is `base64`. */
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
  /** ISO-8601 time of the original request, when the log has it. */
  timestamp?: string;
  /** `METHOD /path/:param`, from the log's route key when it has one, else inferred. */
  route?: string;
  /** Status live answered with in the original log, when known. */
  status?: number;
  /** Format-specific extras worth keeping (e.g. `targetGroupArn` of an ALB line). */
  meta?: Record<string, string>;
  position?: SourcePosition;
}

/** What a parser yields for each line or entry it reads. */
export type ParseOutcome =
  | { kind: 'record'; record: RequestRecord }
  | { kind: 'malformed'; position: SourcePosition; reason: string };

/** One side's answer to one replayed request. */
export type Exchange = ExchangeResponse | ExchangeError;

/** An answer received from one side. */
export interface ExchangeResponse {
  ok: true;
  status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Decoded (decompressed) body, at most `maxBodyBytes`. */
  body: Uint8Array;
  /** True when the body was cut at `maxBodyBytes`. */
  truncated: boolean;
  latencyMs: number;
}

/** Why a side gave no answer (a transport failure, not an HTTP status). */
export type TransportErrorCode =
  | 'timeout'
  | 'connection-refused'
  | 'connection-reset'
  | 'dns'
  | 'body-too-large'
  | 'decode'
  | 'circuit-open'
  | 'other';

/** A request that got no answer from one side. */
export interface ExchangeError {
  ok: false;
  code: TransportErrorCode;
  message: string;
  latencyMs: number;
}

/** What kind of difference: in the body (`added`, `removed`, `changed`, `type`), the status, a header, or a body cut at the size cap. */
export type DifferenceKind = 'added' | 'removed' | 'changed' | 'type' | 'status' | 'header' | 'truncated';

/** One difference between live's and candidate's answer to the same request. */
export interface Difference {
  route: string;
  /** RFC 6901 JSON Pointer into the body (`/items/3/price`), `/status`, or `/headers/<name>`, or `` for a whole text body. */
  pointer: string;
  kind: DifferenceKind;
  live?: unknown;
  candidate?: unknown;
}

/** How the rules stage judged one difference. */
export type Disposition =
  | { counted: true }
  | { counted: false; by: 'rule'; ruleId: string }
  | { counted: false; by: 'policy'; policy: string }
  | { counted: false; by: 'noise' };

/** A difference with the rules' decision on whether it counts. */
export interface JudgedDifference extends Difference {
  disposition: Disposition;
}

/** Side names used across reports. */
export type Side = 'live' | 'candidate';

/** The outcome of a run; `inconclusive` (not enough evidence) fails closed unless allowed. */
export type Verdict = 'pass' | 'fail' | 'inconclusive';
