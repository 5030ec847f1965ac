// Generated from wit/ by scripts/generate-wit-types.ts with jco 1.10.2. Do not edit.
/** @module Interface eddy:plugin/http-client@0.3.0 **/
/**
 * Starts a request and returns its id (ids count up from 1 per task).
 * Fails at once only when the request is not granted.
 */
export function send(request: HttpRequest): bigint;
/**
 * The requests that finished since the last call, in the order they
 * finished; each is given once.
 */
export function takeCompleted(): Array<HttpCompletion>;
/**
 * One request. `delay-ms` asks the host to wait that long before
 * sending it (a retry's backoff, without holding anything up);
 * `timeout-ms` bounds the time from sending to the end of the response
 * (0: the host's maximum, 120 000).
 */
export interface HttpRequest {
  method: string,
  url: string,
  headers: Array<[string, string]>,
  body: Uint8Array,
  timeoutMs: number,
  delayMs: number,
}
/**
 * A response, whatever its status. Bodies past 1 MiB are cut there.
 */
export interface HttpResponse {
  status: number,
  headers: Array<[string, string]>,
  body: Uint8Array,
}
/**
 * Why a request got no response.
 */
export type HttpError = HttpErrorNotGranted | HttpErrorTimeout | HttpErrorFailed;
/**
 * The URL is not on the granted origin, or is not http(s) (the
 * message names the capability and the granted origin).
 */
export interface HttpErrorNotGranted {
  tag: 'not-granted',
  val: string,
}
/**
 * No response within the request's timeout.
 */
export interface HttpErrorTimeout {
  tag: 'timeout',
}
/**
 * The connection failed (refused, reset, DNS…): the message says how.
 */
export interface HttpErrorFailed {
  tag: 'failed',
  val: string,
}
/**
 * A request that has finished: its id and what came of it.
 */
export interface HttpCompletion {
  id: bigint,
  outcome: Result<HttpResponse, HttpError>,
}
export type Result<T, E> = { tag: 'ok', val: T } | { tag: 'err', val: E };
