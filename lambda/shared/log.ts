/**
 * Structured logs for every handler: one JSON object per line, for CloudWatch Logs Insights.
 * INFO goes to stdout, WARN and ERROR to stderr (Lambda sends both to the function's log group).
 */
export type LogLevel = 'INFO' | 'WARN' | 'ERROR';

export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === 'INFO') console.log(line);
  else console.error(line);
}
