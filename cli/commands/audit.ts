// audit list: the audit trail, newest first (SysAdmin). The API has no time filter, so --since
// reads pages (newest first) until it passes that time.
import { InvalidArgumentError, type Command } from 'commander';
import type { Schemas } from '../../client';
import type { Column } from '../output/printer';
import { formatTime } from '../output/time';
import { defineAction, jsonOutput, parsePositive, type Runtime } from '../program';
import { serviceAccountId } from './service-account-lookup';
import { userId } from './tokens';

type AuditEvent = Schemas['AuditEvent'];

const columns: Array<Column<AuditEvent>> = [
  { header: 'TIME', value: (e) => formatTime(e.occurred_at) },
  { header: 'ACTION', value: (e) => e.action ?? '' },
  { header: 'OUTCOME', value: (e) => e.outcome ?? '' },
  {
    header: 'ACTOR',
    value: (e) =>
      e.actor_user_id ? `user ${e.actor_user_id}` : e.actor_service_account_id ? `service account ${e.actor_service_account_id}` : '-',
  },
  { header: 'TARGET', value: (e) => (e.target_type ? `${e.target_type} ${e.target_id ?? ''}`.trim() : '-') },
  { header: 'SOURCE IP', value: (e) => e.source_ip ?? '-' },
];

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90m", "24h", "7d", "2w" before now, or an RFC 3339 date or time. */
export function parseSince(value: string, now: Date = new Date()): Date {
  const relative = /^(\d{1,6})([mhdw])$/.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * (UNITS[relative[2] as string] as number));
  if (/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(value)) {
    const parsed = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
    if (!Number.isNaN(parsed.getTime())) return parsed;
  }
  throw new InvalidArgumentError('give a duration such as 30m, 24h, 7d or 2w, or a date/time such as 2026-01-31 or 2026-01-31T12:00:00Z');
}

export function registerAuditCommands(runtime: Runtime, program: Command): void {
  const audit = program.command('audit').summary('the audit trail (SysAdmin)').description('The audit trail (SysAdmin).');
  const list = audit
    .command('list')
    .description('List audit events, newest first.')
    .option('--since <when>', 'only events since then: 30m, 24h, 7d, 2w, or a date/time (RFC 3339)', (value: string) => parseSince(value))
    .option('--action <action>', 'only this action, e.g. personal_access_token.created')
    .option('--user <id-or-email>', 'only events by this user')
    .option('--service-account <id-or-name>', 'only events by this service account')
    .option('--limit <n>', 'at most this many events', parsePositive, 50);
  jsonOutput(list, 'an array of `AuditEvent` objects, newest first.');
  defineAction(runtime, list, async (context, _args, options) => {
    const since = options['since'] as Date | undefined;
    const limit = options['limit'] as number;
    const user = options['user'] as string | undefined;
    const account = options['serviceAccount'] as string | undefined;
    const query = {
      action: options['action'] as string | undefined,
      actor_user_id: user === undefined ? undefined : await userId(context, user),
      actor_service_account_id: account === undefined ? undefined : await serviceAccountId(context, account),
      page_size: Math.min(limit, 200),
    };
    const events: AuditEvent[] = [];
    pages: for await (const page of context.client().pages('/audit-events', { query })) {
      for (const event of page.audit_events) {
        if (since !== undefined && event.occurred_at !== undefined && new Date(event.occurred_at) < since) break pages;
        events.push(event);
        if (events.length >= limit) break pages;
      }
    }
    context.printer.table(events, columns, events, 'No audit events.');
  });
}
